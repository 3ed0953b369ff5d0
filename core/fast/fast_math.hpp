// core/fast/fast_math.hpp — e^x and the normal CDF in forms whose loops vectorise, and the
// activations the fast gate kernels compute with them.
//
// Fast floor. Reference twin: core/activation_math.hpp, the same formulas with std::exp and
// std::erfc. A loop that calls the C library's expf cannot be vectorised (the call takes one
// number at a time), and in the fused SwiGLU kernel that call cost as much as the matrix
// products around it. Written without calls or branches, a loop over these compiles to 16-wide
// AVX-512 instructions. Tests: "fast_math::exp in float is within 2 ulp of exp" and "GELU in
// float, with its vectorisable normal CDF, is within 1e-6 of the exact value"
// (tests/activations/test_exp.cpp); "the fast activations equal activation_math.hpp's within a few
// ulp" (tests/core/test_floors.cpp). Which kind of gate uses which of these: gate_kernels.hpp.
#pragma once

#include <bit>
#include <cmath>
#include <limits>
#include <numbers>

#include "core/activation_math.hpp"
#include "core/fast/multiply_add.hpp"

namespace tg::fast_math {

using math::vanishing_product;

// e^x, for the activations. For double it is std::exp. For float it is written out below,
// because a loop that calls the C library's expf cannot be vectorised (the call takes one number
// at a time), and in the fused SwiGLU kernel that call cost as much as the matrix products around
// it. Written without calls or branches, a loop over this compiles to 16-wide AVX-512
// instructions. Within 2 ulp of std::exp (test: "fast_math::exp in float is within 2 ulp of exp").
//   e^x = 2^n e^r,  n = round(x / ln 2),  r = x - n ln 2  in [-ln2/2, ln2/2]
// e^r by a degree-7 polynomial (Cephes' expf coefficients), and 2^n built directly as the bits
// of a float, in two halves so that every n from -150 to 128 (results from 0 to inf) works.
// Below -104 the result is 0, above 89 it is inf (float's range); NaN stays NaN.
inline double exp(double x) {
  return std::exp(x);
}
inline float exp(float x) {
  const float lo = -104.0f, hi = 89.0f;
  const float xc = x >= lo ? (x <= hi ? x : hi) : lo;  // clamped (NaN becomes lo, fixed below)
  // n = round(x / ln 2). Adding and subtracting 1.5 * 2^23 rounds to a whole number (floats
  // that large have no fraction bits); std::floor would do, but GCC does not vectorise it.
  const float n = (xc * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  // ln 2 in two parts: n * 0.693359375 is exact for these n, so r keeps its low bits.
  const float r = (xc - n * 0.693359375f) - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = fast::multiply_add(p, r, 1.3981999507e-3f);
  p = fast::multiply_add(p, r, 8.3334519073e-3f);
  p = fast::multiply_add(p, r, 4.1665795894e-2f);
  p = fast::multiply_add(p, r, 1.6666665459e-1f);
  p = fast::multiply_add(p, r, 5.0000001201e-1f);
  const float e_r = p * r * r + r + 1.0f;
  const int k = static_cast<int>(n), half = k >> 1;
  const float two_half = std::bit_cast<float>((half + 127) << 23);  // 2^half
  const float two_rest = std::bit_cast<float>((k - half + 127) << 23);
  const float result = e_r * two_half * two_rest;
  return x != x ? x : (x > hi ? std::numeric_limits<float>::infinity() : result);
}

// sigma(x), as math::sigmoid, with the exp above.
template <class T>
T sigmoid(T x) {
  const T e = fast_math::exp(-std::abs(x));  // in (0, 1]
  const T s = T(1) / (T(1) + e);             // sigma(|x|)
  return x >= 0 ? s : e * s;                 // sigma(-|x|) = e^-|x| / (1 + e^-|x|)
}
// sigma(x) and 1 - sigma(x) = sigma(-x) from one exp, as math::sigmoid_pair: a slope that
// multiplies by 1 - sigma keeps its relative accuracy where sigma is close to 1.
template <class T>
math::SigmoidPair<T> sigmoid_pair(T x) {
  const T e = fast_math::exp(-std::abs(x));
  const T big = T(1) / (T(1) + e), small = e * big;  // sigma(|x|), sigma(-|x|)
  return x >= 0 ? math::SigmoidPair<T>{big, small} : math::SigmoidPair<T>{small, big};
}

// e^(-x^2 / 2), the shape of the normal density, accurate in relative terms far out in the
// tails: there the exponent is large, and rounding x^2 (relative error 6e-8) would cost
// x^2 / 2 times that in the result. So x^2 = x2 + x2_error exactly (fast::product_error),
// and e^(-x2_error / 2) ~ 1 - x2_error / 2 corrects for it. (Past x^2 ~ 1e30 the error term would
// be inf - inf = NaN; the result is 0 there anyway.)
inline double exp_minus_half_square(double x) {
  return std::exp(-0.5 * x * x);
}
inline float exp_minus_half_square(float x) {
  const float x2 = x * x, x2_error = x2 < 1e30f ? fast::product_error(x, x, x2) : 0.0f;
  return fast_math::exp(-0.5f * x2) * (1.0f - 0.5f * x2_error);
}

// Phi(x), the standard normal CDF: (1 + erf(x / sqrt 2)) / 2. For double, std::erfc. For float,
// as for exp, a form whose loops vectorise: Phi(x) = erfc(z) / 2 with z = -x / sqrt 2, and for
// a = |z| the fitted formula of Numerical Recipes (erfcc, relative error below 1.2e-7 for every
// a >= 0):  erfc(a) = t exp(-a^2 + P(t)),  t = 1 / (1 + a/2),  P a degree-9 polynomial; then
// erfc(-a) = 2 - erfc(a). exp(-a^2) = exp(-x^2 / 2) is computed apart from exp(P), so that the
// far tail keeps its relative accuracy.
inline double normal_cdf(double x) {
  // erfc, not 1 + erf: far left 1 + erf(x / sqrt 2) cancels to 0 (for x < -8.3 in double, where
  // the float64 fast GELU was 0), while erfc keeps its relative accuracy, as in
  // core/activation_math.hpp.
  return 0.5 * std::erfc(-x / std::numbers::sqrt2);
}
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
  const float erfc_a = t * exp_minus_half_square(x) * fast_math::exp(p);
  return 0.5f * (z >= 0 ? erfc_a : 2.0f - erfc_a);
}

// GELU and its slope, as math::gelu and math::gelu_grad, with the normal CDF above.
template <class T>
T gelu(T x) {
  return vanishing_product(x, normal_cdf(x));
}
// phi(x) = e^(-x^2 / 2) / sqrt(2 pi), the standard normal density, with the exp above.
template <class T>
T normal_pdf(T x) {
  return exp_minus_half_square(x) * (std::numbers::inv_sqrtpi_v<T> / std::numbers::sqrt2_v<T>);
}
template <class T>
T gelu_grad(T x) {
  return normal_cdf(x) + vanishing_product(x, normal_pdf(x));
}

// Swish with beta 1 (SiLU) and its slope, as math::swish and math::swish_grad_x.
template <class T>
T silu(T x) {
  return vanishing_product(x, fast_math::sigmoid(x));
}
template <class T>
T silu_grad(T x) {
  const math::SigmoidPair<T> p = fast_math::sigmoid_pair(x);
  return p.s + vanishing_product(x, p.s * p.one_minus_s);
}

}  // namespace tg::fast_math
