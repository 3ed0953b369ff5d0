// tests/exercises/case_names.cpp — a doctest listener for the exercise binaries: it prints each
// check's name before it runs, so that the "OK dx" / "NOT OK dx" lines check_values prints
// (helpers.hpp) read under the check they belong to:
//   == ex14: layer_norm_backward equals the tape's gradients
//   OK dx (18 elements, max diff 8.9e-16)
#include <doctest/doctest.h>

#include <iostream>

namespace {

struct CaseNames : doctest::IReporter {
  explicit CaseNames(const doctest::ContextOptions&) {}
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats&) override {}
  void test_case_start(const doctest::TestCaseData& data) override {
    std::cout << "== " << data.m_name << "\n";
  }
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}
};
REGISTER_LISTENER("case_names", 2, CaseNames);

}  // namespace
