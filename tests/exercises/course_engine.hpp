// tests/exercises/course_engine.hpp — the exercises that are pieces of the engine, gathered into
// a tg::course::Engine (core/course.hpp) so that the engine runs them.
#pragma once

#include "core/course.hpp"

namespace ex {

// The seven pieces (ex02, ex03, ex08, ex09, ex11, ex12, ex19) from this build's exercise files:
// the learner's (tests/exercises/learner/) or the reference solutions. `source` names them.
tg::course::Engine course_engine(const char* source);

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
