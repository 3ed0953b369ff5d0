// tests/exercises/course_install.cpp — linked into train_transformer_course only: puts this
// build's exercise files into the engine before main runs, so that the whole training run
// differentiates and steps with them (docs/exercises.md, "Build the engine yourself").
// train_transformer sees tg::course::installed() and stays on the readable floor.
#include "course_engine.hpp"

#ifndef TAPEGRAD_COURSE_SOURCE
#define TAPEGRAD_COURSE_SOURCE "tests/exercises/learner/"
#endif

namespace {
const bool installed = (tg::course::install(ex::course_engine(TAPEGRAD_COURSE_SOURCE)), true);
}  // namespace
