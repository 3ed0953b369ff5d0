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

namespace {

// A listener (a reporter that prints nothing) counting the test cases that started.
struct CountCases : doctest::IReporter {
  static inline int started = 0;
  explicit CountCases(const doctest::ContextOptions&) {}
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats&) override {}
  void test_case_start(const doctest::TestCaseData&) override { ++started; }
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}
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
