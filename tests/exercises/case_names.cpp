// tests/exercises/case_names.cpp — a doctest listener for the exercise binaries: it prints each
// check's name before it runs, so that the "OK dx" / "NOT OK dx" lines check_values prints
// (helpers.hpp) read under the check they belong to:
//   == ex14: layer_norm_backward equals the tape's gradients
//   OK dx (18 elements, max diff 8.9e-16)
#include <doctest/doctest.h>

#include <iostream>

#include "quiet_listener.hpp"

namespace {

struct CaseNames : QuietListener {
  using QuietListener::QuietListener;
  void test_case_start(const doctest::TestCaseData& data) override {
    std::cout << "== " << data.m_name << "\n";
  }
};
REGISTER_LISTENER("case_names", 2, CaseNames);

}  // namespace
