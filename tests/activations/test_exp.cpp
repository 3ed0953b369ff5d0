// fast_math::exp and fast_math::normal_cdf, the vectorisable forms the float activations use,
// against the C library (in double).
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>

#include "core/fast/fast_math.hpp"
#include "helpers.hpp"

namespace {
// Distance in units in the last place between two non-negative floats: for those, the bit
// patterns read as integers are ordered like the values, one step per representable float.
std::int64_t ulps(float a, float b) {
  return std::abs(static_cast<std::int64_t>(std::bit_cast<std::int32_t>(a)) -
                  static_cast<std::int64_t>(std::bit_cast<std::int32_t>(b)));
}
}  // namespace

TEST_CASE("fast_math::exp in float is within 2 ulp of exp, and exact at the edges") {
  std::int64_t worst = 0;
  float worst_at = 0;
  for (float x = -103.0f; x < 88.7f; x += 0.001731f) {
    // The correctly rounded value: exp in double, rounded once to float.
    const float expected = static_cast<float>(std::exp(static_cast<double>(x)));
    const float got = tg::fast_math::exp(x);
    if (expected < std::numeric_limits<float>::min()) {  // a subnormal result: absolute error
      REQUIRE(std::abs(got - expected) <= 4 * std::numeric_limits<float>::denorm_min());
      continue;
    }
    if (ulps(got, expected) > worst) worst = ulps(got, expected), worst_at = x;
  }
  MESSAGE("largest error " << worst << " ulp, at x = " << worst_at);
  CHECK(worst <= 2);
  CHECK(tg::fast_math::exp(0.0f) == 1.0f);
  CHECK(tg::fast_math::exp(-200.0f) == 0.0f);
  CHECK(tg::fast_math::exp(-std::numeric_limits<float>::infinity()) == 0.0f);
  CHECK(tg::fast_math::exp(89.0f) == std::numeric_limits<float>::infinity());
  CHECK(tg::fast_math::exp(std::numeric_limits<float>::infinity()) ==
        std::numeric_limits<float>::infinity());
  CHECK(std::isnan(tg::fast_math::exp(std::numeric_limits<float>::quiet_NaN())));
  const float top = 88.72f;  // near the largest finite result
  CHECK(ulps(tg::fast_math::exp(top), static_cast<float>(std::exp(static_cast<double>(top)))) <= 2);
}

TEST_CASE("GELU in float, with its vectorisable normal CDF, is within 1e-6 of the exact value") {
  // The reference: double precision, with erfc so that the far left tail is exact too.
  auto exact = [](double x) { return x * 0.5 * std::erfc(-x / std::sqrt(2.0)); };
  // gelu'(x) = Phi(x) + x phi(x) crosses zero near x = -0.75, where any rounding is large
  // relative to the result: its error is measured against the size of the two terms instead.
  auto cdf = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
  auto pdf = [](double x) { return std::exp(-0.5 * x * x) / std::sqrt(2 * std::numbers::pi); };
  double worst = 0, worst_grad = 0;
  for (float x = -13.0f; x < 13.0f; x += 0.00731f) {
    const double want = exact(x), want_grad = cdf(x) + x * pdf(x);
    const double terms = cdf(x) + std::abs(x) * pdf(x);
    if (std::abs(want) > 1e-36)
      worst = std::max(worst, std::abs(tg::fast_math::gelu(x) - want) / std::abs(want));
    if (terms > 1e-36)
      worst_grad = std::max(worst_grad, std::abs(tg::fast_math::gelu_grad(x) - want_grad) / terms);
  }
  MESSAGE("largest relative error: gelu " << worst << ", gelu' " << worst_grad);
  CHECK(worst < 1e-6);
  CHECK(worst_grad < 1e-6);
  CHECK(tg::fast_math::gelu(-100.0f) == 0.0f);
  CHECK(tg::fast_math::gelu(100.0f) == 100.0f);
  CHECK(std::isnan(tg::fast_math::gelu(std::numeric_limits<float>::quiet_NaN())));
}
