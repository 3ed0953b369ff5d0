// core/course.cpp — the installed learner functions (see course.hpp).
#include "core/course.hpp"

#include "core/error.hpp"
#include "core/fast/switch.hpp"

namespace tg::course {

namespace {
Engine& installed_engine() {
  static Engine engine;  // all members empty: the engine's own code runs
  return engine;
}
bool& is_installed() {
  static bool flag = false;
  return flag;
}
}  // namespace

const Engine& engine() {
  return installed_engine();
}

void install(Engine engine) {
  if (fast::enabled())
    fail("course::install", "the fast floor is on; the learner's code runs on the readable floor ",
         "only (call install before, and instead of, tg::fast::enable())");
  installed_engine() = std::move(engine);
  is_installed() = true;
}

void uninstall() {
  installed_engine() = Engine{};
  is_installed() = false;
}

bool installed() {
  return is_installed();
}

const Tensor& checked(const char* piece, const char* what, const Tensor& t, const Shape& expected,
                      DType dtype) {
  if (!t.defined())
    fail(piece, "your ", what, " is an undefined tensor; expected shape ", expected);
  if (t.shape() != expected)
    fail(piece, "your ", what, " has shape ", t.shape(), "; expected ", expected);
  if (t.dtype() != dtype)
    fail(piece, "your ", what, " is ", dtype_name(t.dtype()), "; expected ", dtype_name(dtype));
  return t;
}

}  // namespace tg::course
