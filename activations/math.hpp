// activations/math.hpp — every activation as a scalar formula with its derivative.
//
// Layer: activations (depends on nothing). The tensor ops in this folder apply these to each
// element; the fused GLU-family kernels call them too, so each formula is written exactly once.
// T is float or double. Derivations are in docs/activations.md.
#pragma once

#include <cmath>
#include <numbers>

namespace tg::math {

// sigma(x) = 1 / (1 + e^-x). Written in two branches so that exp() only ever sees an argument
// <= 0 and so never overflows: for x < 0 the equal form e^x / (1 + e^x) is used. (With the
// one-line form, e^-x is inf for x < -89 in float32; 1/inf = 0 is still right, but any formula
// that also divides e^-x by something, like the textbook e^-x / (1 + e^-x)^2, becomes NaN.)
template <class T>
T sigmoid(T x) {
  if (x >= 0) return T(1) / (T(1) + std::exp(-x));
  const T e = std::exp(x);
  return e / (T(1) + e);
}
// sigma'(x) = sigma(x) (1 - sigma(x)).
template <class T>
T sigmoid_grad(T x) {
  const T s = sigmoid(x);
  return s * (T(1) - s);
}

// tanh'(x) = 1 - tanh(x)^2.
template <class T>
T tanh_grad(T x) {
  const T t = std::tanh(x);
  return T(1) - t * t;
}

// relu(x) = max(x, 0). Its derivative is 1 for x > 0 and 0 for x < 0; at x = 0 it is undefined
// and we take 0, as PyTorch does.
template <class T>
T relu(T x) {
  return x > 0 || x != x ? x : T(0);  // NaN stays NaN (as PyTorch), never silently 0
}
template <class T>
T relu_grad(T x) {
  return x > 0 ? T(1) : T(0);
}

// leaky_relu(x) = x for x > 0, slope * x otherwise; derivative 1 or slope (slope at 0).
template <class T>
T leaky_relu(T x, T slope) {
  return x > 0 ? x : slope * x;
}
template <class T>
T leaky_relu_grad(T x, T slope) {
  return x > 0 ? T(1) : slope;
}

// Exact GELU: x Phi(x), Phi the standard normal CDF = (1 + erf(x / sqrt 2)) / 2.
// gelu'(x) = Phi(x) + x phi(x), phi(x) = exp(-x^2/2) / sqrt(2 pi) the normal density.
template <class T>
T gelu(T x) {
  return T(0.5) * x * (T(1) + std::erf(x / std::numbers::sqrt2_v<T>));
}
template <class T>
T gelu_grad(T x) {
  const T cdf = T(0.5) * (T(1) + std::erf(x / std::numbers::sqrt2_v<T>));
  const T pdf =
      std::exp(T(-0.5) * x * x) * (std::numbers::inv_sqrtpi_v<T> / std::numbers::sqrt2_v<T>);
  return cdf + x * pdf;
}

// The tanh approximation of GELU (Hendrycks & Gimpel; GPT-2):
//   gelu(x) ~ x (1 + tanh(u)) / 2,  u = sqrt(2/pi) (x + 0.044715 x^3).
// Derivative: (1 + tanh u)/2 + x (1 - tanh^2 u) u' / 2,  u' = sqrt(2/pi) (1 + 3 * 0.044715 x^2).
template <class T>
T gelu_tanh(T x) {
  const T k = std::numbers::sqrt2_v<T> * std::numbers::inv_sqrtpi_v<T>;  // sqrt(2/pi)
  return T(0.5) * x * (T(1) + std::tanh(k * (x + T(0.044715) * x * x * x)));
}
template <class T>
T gelu_tanh_grad(T x) {
  // Past |x| = 10, tanh(u) is +-1 to working precision and the exact derivative is 1 or 0; the
  // formula itself would compute 0 * inf = NaN there once x^2 overflows (float32, |x| > 1e19).
  if (x > T(10)) return T(1);
  if (x < T(-10)) return T(0);
  const T k = std::numbers::sqrt2_v<T> * std::numbers::inv_sqrtpi_v<T>;
  const T t = std::tanh(k * (x + T(0.044715) * x * x * x));
  const T du = k * (T(1) + T(3 * 0.044715) * x * x);
  return T(0.5) * (T(1) + t) + T(0.5) * x * (T(1) - t * t) * du;
}

// Swish with slope beta: x sigma(beta x). beta = 1 is SiLU.
//   d/dx    = sigma(bx) + b x sigma(bx) (1 - sigma(bx))
//   d/dbeta = x^2 sigma(bx) (1 - sigma(bx))
template <class T>
T swish(T x, T beta) {
  return x * sigmoid(beta * x);
}
template <class T>
T swish_grad_x(T x, T beta) {
  const T s = sigmoid(beta * x);
  return s + beta * x * s * (T(1) - s);
}
template <class T>
T swish_grad_beta(T x, T beta) {
  const T s = sigmoid(beta * x);
  return (x * s) * (x * (T(1) - s));  // grouped so that x^2 never overflows to inf * 0 = NaN
}

// softplus(x) = log(1 + e^(beta x)) / beta, a smooth relu; derivative sigma(beta x).
// Above `threshold` (beta x > threshold) it returns x itself, as PyTorch does: there the two
// differ by less than e^-threshold / beta, and e^(beta x) could overflow.
template <class T>
T softplus(T x, T beta, T threshold) {
  return beta * x > threshold ? x : std::log1p(std::exp(beta * x)) / beta;
}
template <class T>
T softplus_grad(T x, T beta, T threshold) {
  return beta * x > threshold ? T(1) : sigmoid(beta * x);
}

}  // namespace tg::math
