// Reference solution to ex18.
#include <cmath>
#include <numbers>

#include "exercises.hpp"

namespace ex {

double gelu_derivative(double x) {
  // gelu = x Phi(x), so gelu' = Phi(x) + x phi(x) (product rule, Phi' = phi).
  const double Phi = 0.5 * std::erfc(-x / std::numbers::sqrt2);  // no 1 + erf cancelling
  const double phi = std::exp(-0.5 * x * x) / std::sqrt(2 * std::numbers::pi);
  return Phi + (phi == 0 ? 0 : x * phi);  // far out phi is 0, and x phi -> 0
}

double gelu_tanh_derivative(double x) {
  // gelu ~ x (1 + tanh u) / 2, u = k (x + c x^3): by the product and chain rules,
  //   gelu' = (1 + tanh u) / 2 + x (1 - tanh^2 u) k (1 + 3 c x^2) / 2.
  // Past |x| = 10, tanh u is +-1 to double precision: the slope is 1 or 0. (The formula would
  // compute 0 * inf = NaN once x^3 overflows, near |x| = 1e103.)
  if (x > 10) return 1;
  if (x < -10) return 0;
  const double k = std::sqrt(2 / std::numbers::pi), c = 0.044715;
  const double t = std::tanh(k * (x + c * x * x * x));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * c * x * x);
}

}  // namespace ex
