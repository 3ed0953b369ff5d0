// tests/exercises/course_engine.hpp — the exercises that are pieces of the engine, gathered into
// a tg::course::Engine (core/course.hpp) so that the engine runs them.
#pragma once

#include <string>

#include "core/course.hpp"

namespace ex {

// The seven pieces (ex02, ex03, ex08, ex09, ex11, ex12, ex19) from this build's exercise files:
// the learner's (tests/exercises/learner/) or the reference solutions. `source` names them.
tg::course::Engine course_engine(const char* source);

// How many times the engine has called each piece of course_engine() so far, as
// "backward_walk 90, reduce_to 180, ..." in the order of core/course.hpp.
std::string course_calls();

// Installs course_engine(source) until the end of the scope, then puts the engine's own code
// back. For checks; a program installs once for good (course_install.cpp).
class CourseScope {
 public:
  explicit CourseScope(tg::course::Engine engine) { tg::course::install(std::move(engine)); }
  ~CourseScope() { tg::course::uninstall(); }
  CourseScope(const CourseScope&) = delete;
  CourseScope& operator=(const CourseScope&) = delete;
};

}  // namespace ex
