// tests/quiet_listener.hpp — a doctest listener that does nothing: derive from it and override
// the one event you want (tests/main.cpp counts the cases that start; the exercise binaries print
// each case's name, tests/exercises/case_names.cpp).
#pragma once

#include <doctest/doctest.h>

struct QuietListener : doctest::IReporter {
  explicit QuietListener(const doctest::ContextOptions&) {}
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats&) override {}
  void test_case_start(const doctest::TestCaseData&) override {}
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}
};
