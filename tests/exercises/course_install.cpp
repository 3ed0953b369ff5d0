// tests/exercises/course_install.cpp — linked into train_transformer_course only: puts this
// build's exercise files into the engine before main runs, so that the whole training run
// differentiates and steps with them, and at exit says how often each piece ran (docs/course.md).
// train_transformer sees tg::course::installed() and stays on the readable floor.
#include <cstdio>

#include "course_engine.hpp"

#ifndef TAPEGRAD_COURSE_SOURCE
#define TAPEGRAD_COURSE_SOURCE "tests/exercises/learner/"
#endif

namespace {
// Installs before main, and at exit says how often each of the seven pieces ran.
struct Course {
  Course() { tg::course::install(ex::course_engine(TAPEGRAD_COURSE_SOURCE)); }
  ~Course() { std::printf("course: your code ran %s\n", ex::course_calls().c_str()); }
} course;
}  // namespace
