// tests/helpers.hpp — what the test files share: gradient checks that print readable failures,
// and element-wise comparison of a tensor with expected values.
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/tapegrad.hpp"

namespace tg::testing {

// Fails the test with gradcheck's message (input, element, received, expected) on a mismatch.
inline void check_gradients(const GradcheckFn& f, const std::vector<Tensor>& inputs,
                            const GradcheckOptions& options = {}) {
  const GradcheckResult r = gradcheck(f, inputs, options);
  INFO(r.message);
  CHECK(r.ok);
  CHECK(r.checked > 0);  // a check that compared nothing would pass vacuously
}

// The same for a layer: f uses `params` (parameters, and inputs that require grad) directly.
inline void check_param_gradients(const std::function<Tensor()>& f,
                                  const std::vector<Tensor>& params,
                                  const GradcheckOptions& options = {}) {
  const GradcheckResult r = gradcheck_params(f, params, options);
  INFO(r.message);
  CHECK(r.ok);
  CHECK(r.checked > 0);
}

// All parameters of a module, plus extra tensors (inputs) to check.
template <class M>
std::vector<Tensor> params_and(const M& module, std::vector<Tensor> extra) {
  std::vector<Tensor> all = module.parameters();
  all.insert(all.end(), extra.begin(), extra.end());
  return all;
}

// float64 leaf requiring grad, from values.
inline Tensor var(const std::vector<double>& values, const Shape& shape = {}) {
  Tensor t = tensor(values, shape, float64);
  t.requires_grad_();
  return t;
}

// A float64 leaf requiring grad with N(0,1) entries, shifted by `offset` (to stay off kinks).
inline Tensor random_var(const Shape& shape, std::uint64_t seed, double offset = 0.0) {
  Generator gen(seed);
  Tensor t = randn(shape, gen, float64);
  if (offset != 0.0) add_(t, scalar(offset, float64));
  t.requires_grad_();
  return t;
}

// Every element of t equals `expected` within tol. A failure is one message: how many elements
// differ, and the first of them with both values (not one line per element).
inline void check_values(const Tensor& t, const std::vector<double>& expected, double tol = 1e-6) {
  const std::vector<double> got = t.to_vector();
  REQUIRE(got.size() == expected.size());
  std::size_t differ = 0, first = 0;
  for (std::size_t i = 0; i < got.size(); ++i)
    if (!(std::abs(got[i] - expected[i]) <= tol) && differ++ == 0) first = i;
  INFO(differ << " of " << got.size() << " elements differ by more than " << tol
              << "; the first is element " << first << ": got " << (differ ? got[first] : 0.0)
              << ", expected " << (differ ? expected[first] : 0.0));
  CHECK(differ == 0);
}

// The message of the tg::Error that `fn` throws ("" if it throws none).
template <class Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace tg::testing
