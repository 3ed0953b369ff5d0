#include <cmath>

#include "activations/activations.hpp"
#include "core/activation_math.hpp"
#include "exercise_checks.hpp"

namespace {
// -6 to 6 in steps of 0.25, and far out on both sides.
std::vector<double> points() {
  std::vector<double> xs;
  for (int i = -24; i <= 24; ++i) xs.push_back(0.25 * i);
  for (double x : {8.0, 10.0, 10.5, 30.0, 1e3, 1e20, 1e200}) {
    xs.push_back(x);
    xs.push_back(-x);
  }
  return xs;
}

// The engine's gradient of gelu at every point, taken by the tape.
std::vector<double> tape_slopes(GeluApproximation form) {
  Tensor x = var(points());
  gelu(x, form).sum().backward();
  return x.grad().to_vector();
}

template <class F>
std::vector<double> at_points(F f) {
  std::vector<double> out;
  for (double x : points()) out.push_back(f(x));
  return out;
}
}  // namespace

TEST_SUITE("ex18") {
  TEST_CASE("ex18: the exact GELU's derivative equals the engine's with no NaN far out") {
    const Shape shape{static_cast<std::int64_t>(points().size())};
    check_close("gelu'(x)", at_points(ex::gelu_derivative), tape_slopes(GeluApproximation::None),
                1e-12, shape);
  }
  TEST_CASE("ex18: the tanh form's derivative equals the engine's with no NaN far out") {
    const Shape shape{static_cast<std::int64_t>(points().size())};
    check_close("gelu_tanh'(x)", at_points(ex::gelu_tanh_derivative),
                tape_slopes(GeluApproximation::Tanh), 1e-12, shape);
  }
  TEST_CASE("ex18: both derivatives match central differences of the engine's gelu") {
    std::vector<double> xs, exact, exact_numeric, approx, approx_numeric;
    for (int i = -16; i <= 16; ++i) xs.push_back(0.37 * i + 0.01);
    const double h = 1e-5;
    for (double x : xs) {
      exact.push_back(ex::gelu_derivative(x));
      exact_numeric.push_back((math::gelu(x + h) - math::gelu(x - h)) / (2 * h));
      approx.push_back(ex::gelu_tanh_derivative(x));
      approx_numeric.push_back((math::gelu_tanh(x + h) - math::gelu_tanh(x - h)) / (2 * h));
    }
    check_close("gelu'(x) against central differences", exact, exact_numeric, 1e-8);
    check_close("gelu_tanh'(x) against central differences", approx, approx_numeric, 1e-8);
  }
}
