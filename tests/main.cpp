// The test runner's main(). Run one case with
//   build/bin/tapegrad_tests -tc="matmul*"            (on the readable floor)
//   build/bin/tapegrad_tests -tc="matmul*" --fast     (on the fast floor)
//
// It is doctest's own main plus one check: a run whose filter matched no test case fails
// instead of passing with nothing tested. (ctest names each case after doctest's list, and CMake
// cuts a name at every ';': twelve cases with a ';' in their names once "passed" under ctest
// without running. Test names now avoid ';', and this check catches any mismatch.)
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <iostream>
#include <string>
#include <vector>

#include "core/fast/switch.hpp"
#include "quiet_listener.hpp"

namespace {

// A listener (a reporter that prints nothing) counting the test cases that started.
struct CountCases : QuietListener {
  static inline int started = 0;
  using QuietListener::QuietListener;
  void test_case_start(const doctest::TestCaseData&) override { ++started; }
};
REGISTER_LISTENER("count_cases", 1, CountCases);

}  // namespace

int main(int argc, char** argv) {
  // --fast runs every case on the fast floor (ctest -L fast); without it, on the readable floor
  // (ctest -L reference). Tests of one floor's pieces choose it themselves with tg::fast::Scope.
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::string(argv[i]) == "--fast")
      tg::fast::enable();
    else
      args.push_back(argv[i]);
  }
  doctest::Context context(static_cast<int>(args.size()), args.data());
  const int result = context.run();
  if (context.shouldExit()) return result;  // --help, --list-test-cases and the like
  if (result == 0 && CountCases::started == 0) {
    std::cerr << "tapegrad_tests: no test case matched the filter, so nothing was tested\n";
    return 1;
  }
  return result;
}
