// activations/math.hpp — every activation as a scalar formula with its derivative.
//
// Layer: activations (depends on nothing). The tensor ops in this folder apply these to each
// element; the fused GLU-family kernels call them too, so each formula is written exactly once.
// T is float or double. Derivations are in docs/activations.md.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <numbers>

namespace tg::math {

// e^x, for the activations. For double it is std::exp. For float it is written out below,
// because a loop that calls the C library's expf cannot be vectorised (the call takes one number
// at a time), and in the fused SwiGLU kernel that call cost as much as the matrix products around
// it. Written without calls or branches, a loop over this compiles to 16-wide AVX-512
// instructions. Within 2 ulp of std::exp (test: "math::exp in float is within 2 ulp of exp").
//   e^x = 2^n e^r,  n = round(x / ln 2),  r = x - n ln 2  in [-ln2/2, ln2/2]
// e^r by a degree-7 polynomial (Cephes' expf coefficients), and 2^n built directly as the bits
// of a float, in two halves so that every n from -150 to 128 (results from 0 to inf) works.
// Below -104 the result is 0, above 89 it is inf (float's range); NaN stays NaN.
inline double exp(double x) { return std::exp(x); }
inline float exp(float x) {
  const float lo = -104.0f, hi = 89.0f;
  const float xc = x >= lo ? (x <= hi ? x : hi) : lo;  // clamped (NaN becomes lo, fixed below)
  // n = round(x / ln 2). Adding and subtracting 1.5 * 2^23 rounds to a whole number (floats
  // that large have no fraction bits); std::floor would do, but GCC does not vectorise it.
  const float n = (xc * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  // ln 2 in two parts: n * 0.693359375 is exact for these n, so r keeps its low bits.
  const float r = (xc - n * 0.693359375f) - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float e_r = p * r * r + r + 1.0f;
  const int k = static_cast<int>(n), half = k >> 1;
  const float two_half = std::bit_cast<float>((half + 127) << 23);  // 2^half
  const float two_rest = std::bit_cast<float>((k - half + 127) << 23);
  const float result = e_r * two_half * two_rest;
  return x != x ? x : (x > hi ? std::numeric_limits<float>::infinity() : result);
}

// x f, where f goes to 0 faster than x grows (f = sigma(x) as x -> -inf, say): the limit of the
// product is 0, but IEEE arithmetic gives inf * 0 = NaN at x = +-inf. So where f is 0 the
// product is taken as 0. Every "x times something that vanishes" below goes through this:
// silu(-inf) = 0, gelu(-inf) = 0, and their slopes at both infinities. A NaN x stays NaN (f is
// then NaN too, never 0).
template <class T>
T vanishing_product(T x, T f) {
  return f == T(0) ? T(0) : x * f;
}

// sigma(x) = 1 / (1 + e^-x). exp() only ever sees -|x| <= 0, so it never overflows: for x < 0
// the equal form e^x / (1 + e^x) is used. (With the one-line form, e^-x is inf for x < -89 in
// float32; 1/inf = 0 is still right, but any formula that also divides e^-x by something, like
// the textbook e^-x / (1 + e^-x)^2, becomes NaN.) A select rather than an if, so that loops
// over it vectorise.
template <class T>
T sigmoid(T x) {
  const T e = math::exp(-std::abs(x));  // in (0, 1]
  const T s = T(1) / (T(1) + e);        // sigma(|x|)
  return x >= 0 ? s : e * s;            // sigma(-|x|) = e^-|x| / (1 + e^-|x|)
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

// e^(-x^2 / 2), the shape of the normal density, accurate in relative terms far out in the
// tails: there the exponent is large, and rounding x^2 (relative error 6e-8) would cost
// x^2 / 2 times that in the result. So x^2 = x2 + x2_error exactly (std::fma gives the error),
// and e^(-x2_error / 2) ~ 1 - x2_error / 2 corrects for it. (Past x^2 ~ 1e30 the error term would
// be inf - inf = NaN; the result is 0 there anyway.)
inline double exp_minus_half_square(double x) { return std::exp(-0.5 * x * x); }
inline float exp_minus_half_square(float x) {
  const float x2 = x * x, x2_error = x2 < 1e30f ? std::fma(x, x, -x2) : 0.0f;
  return math::exp(-0.5f * x2) * (1.0f - 0.5f * x2_error);
}

// Phi(x), the standard normal CDF: (1 + erf(x / sqrt 2)) / 2. For double, std::erf. For float,
// as for exp, a form whose loops vectorise: Phi(x) = erfc(z) / 2 with z = -x / sqrt 2, and for
// a = |z| the fitted formula of Numerical Recipes (erfcc, relative error below 1.2e-7 for every
// a >= 0):  erfc(a) = t exp(-a^2 + P(t)),  t = 1 / (1 + a/2),  P a degree-9 polynomial; then
// erfc(-a) = 2 - erfc(a). exp(-a^2) = exp(-x^2 / 2) is computed apart from exp(P), so that the
// far tail keeps its relative accuracy.
inline double normal_cdf(double x) { return 0.5 * (1.0 + std::erf(x / std::numbers::sqrt2)); }
inline float normal_cdf(float x) {
  const float z = -x * 0.70710678118654752f, a = std::abs(z);
  const float t = 1.0f / (1.0f + 0.5f * a);
  const float p =
      -1.26551223f +
      t * (1.00002368f +
           t * (0.37409196f +
                t * (0.09678418f +
                     t * (-0.18628806f +
                          t * (0.27886807f +
                               t * (-1.13520398f +
                                    t * (1.48851587f + t * (-0.82215223f + t * 0.17087277f))))))));
  const float erfc_a = t * exp_minus_half_square(x) * math::exp(p);
  return 0.5f * (z >= 0 ? erfc_a : 2.0f - erfc_a);
}

// Exact GELU: x Phi(x), Phi the standard normal CDF above.
// gelu'(x) = Phi(x) + x phi(x), phi(x) = exp(-x^2/2) / sqrt(2 pi) the normal density.
// At x = -inf: gelu = 0 and gelu' = 0; at +inf: gelu = inf and gelu' = 1 (vanishing_product).
template <class T>
T gelu(T x) {
  return vanishing_product(x, normal_cdf(x));
}
template <class T>
T gelu_grad(T x) {
  const T pdf =
      exp_minus_half_square(x) * (std::numbers::inv_sqrtpi_v<T> / std::numbers::sqrt2_v<T>);
  return normal_cdf(x) + vanishing_product(x, pdf);
}

// The tanh approximation of GELU (Hendrycks & Gimpel; GPT-2):
//   gelu(x) ~ x (1 + tanh(u)) / 2,  u = sqrt(2/pi) (x + 0.044715 x^3).
// Derivative: (1 + tanh u)/2 + x (1 - tanh^2 u) u' / 2,  u' = sqrt(2/pi) (1 + 3 * 0.044715 x^2).
template <class T>
T gelu_tanh(T x) {
  const T k = std::numbers::sqrt2_v<T> * std::numbers::inv_sqrtpi_v<T>;  // sqrt(2/pi)
  // 1 + tanh(u) is 0 far left (and x may be -inf there): vanishing_product gives the limit 0.
  return T(0.5) * vanishing_product(x, T(1) + std::tanh(k * (x + T(0.044715) * x * x * x)));
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
// For beta > 0 the limits are: swish(-inf) = 0, d/dx = 0 at -inf and 1 at +inf, d/dbeta = 0 at
// both; each product of x with a vanishing sigmoid term goes through vanishing_product.
template <class T>
T swish(T x, T beta) {
  return vanishing_product(x, sigmoid(beta * x));
}
template <class T>
T swish_grad_x(T x, T beta) {
  const T s = sigmoid(beta * x);
  return s + vanishing_product(beta * x, s * (T(1) - s));
}
template <class T>
T swish_grad_beta(T x, T beta) {
  const T s = sigmoid(beta * x);
  // grouped as (x s)(x (1 - s)) so that x^2 never overflows; 0 where s (1 - s) vanishes.
  return s * (T(1) - s) == T(0) ? T(0) : (x * s) * (x * (T(1) - s));
}

// softplus(x) = log(1 + e^(beta x)) / beta, a smooth relu; derivative sigma(beta x).
// Above `threshold` (beta x > threshold) it returns x itself, as PyTorch does: there the two
// differ by less than e^-threshold / beta. Below it, with z = beta x, the form
//   log(1 + e^z) = max(z, 0) + log(1 + e^-|z|)
// (equal: for z > 0, log(1 + e^z) = z + log(e^-z + 1)) never overflows, since e^-|z| <= 1:
// the one-line form overflows for z > 88 in float32, which a threshold of 100 lets through.
template <class T>
T softplus(T x, T beta, T threshold) {
  const T z = beta * x;
  return z > threshold ? x : (std::max(z, T(0)) + std::log1p(std::exp(-std::abs(z)))) / beta;
}
template <class T>
T softplus_grad(T x, T beta, T threshold) {
  return beta * x > threshold ? T(1) : sigmoid(beta * x);
}

}  // namespace tg::math
