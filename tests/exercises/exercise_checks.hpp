// tests/exercises/exercise_checks.hpp — what the exercise checks share: the test helpers (whose
// check_values prints "OK dx" or "NOT OK dx" with the first elements that differ, helpers.hpp)
// and the exercise declarations.
#pragma once

#include <functional>
#include <vector>

#include "exercises.hpp"
#include "helpers.hpp"

using namespace tg;
using namespace tg::testing;
using Inputs = const std::vector<Tensor>&;

// Central differences of a scalar function f of the float64 tensor x, one element at a time:
// (f(x + h e_i) - f(x - h e_i)) / 2h. The slow, obviously right gradient a backward is checked
// against.
inline std::vector<double> numeric_gradient(const std::function<double(const Tensor&)>& f,
                                            const Tensor& x, double h = 1e-6) {
  Tensor probe = x.detach().clone();
  double* p = probe.data<double>();
  std::vector<double> grad(static_cast<std::size_t>(probe.numel()));
  for (std::size_t i = 0; i < grad.size(); ++i) {
    const double saved = p[i];
    p[i] = saved + h;
    const double up = f(probe);
    p[i] = saved - h;
    const double down = f(probe);
    p[i] = saved;
    grad[i] = (up - down) / (2 * h);
  }
  return grad;
}

// sum(g * y): the scalar whose gradient with respect to y is g, so that a backward given g can be
// compared with the numeric gradient of this.
inline double dot(const Tensor& g, const Tensor& y) {
  const std::vector<double> a = g.to_vector(), b = y.to_vector();
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// The rows the row-wise checks (ex21, ex22) differentiate: 1, 3 and 7 logits; and the gradient
// they give a row of n, 0.5 - 0.3 i, so that every element's gradient differs.
inline std::vector<std::vector<double>> sample_rows() {
  return {{0.3}, {1.0, -2.0, 0.5}, {0.1, 0.2, -0.3, 2.0, -1.0, 0.0, 0.7}};
}
inline std::vector<double> sample_gradient(std::size_t n) {
  std::vector<double> g;
  for (std::size_t i = 0; i < n; ++i) g.push_back(0.5 - 0.3 * static_cast<double>(i));
  return g;
}
