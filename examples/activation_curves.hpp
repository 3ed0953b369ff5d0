// examples/activation_curves.hpp — the data behind the activation plots: each function's values,
// its derivative and its second derivative, each twice: once taken by the tape (backward; for
// f'', the tape differentiating its own backward pass, docs/higher-order.md) and once from the
// closed form written out here, so the plot shows the check and the tests can assert it.
//
// Layer: examples (uses core/ and activations/).
#pragma once

#include <string>
#include <vector>

namespace tg::curves {

struct Curve {
  std::string name;
  std::vector<double> x, y;
  std::vector<double> dy_backward;  // d y / d x from x.grad after y.sum().backward()
  std::vector<double> dy_closed;    // the textbook formula for the derivative
  std::vector<double> d2y_tape;     // f'': the gradient above taken with create_graph, then
                                    // differentiated again (tg::grad twice)
  std::vector<double> d2y_closed;   // f'' in closed form
};

// `points` values of x evenly spaced over [lo, hi], in float64.
std::vector<double> grid(double lo, double hi, int points);

// relu, leaky_relu (slope 0.1, ten times PyTorch's default, so that it shows), softplus, gelu,
// gelu's tanh form, swish for each beta, sigmoid, tanh.
std::vector<Curve> activation_curves(const std::vector<double>& x,
                                     const std::vector<double>& betas);

// The GLU family on a one-dimensional slice, gate = value = x (W = V = 1): y = act(x) * x.
std::vector<Curve> glu_family_curves(const std::vector<double>& x);

}  // namespace tg::curves
