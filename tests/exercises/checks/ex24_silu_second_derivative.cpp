#include <cmath>

#include "activations/activations.hpp"
#include "exercise_checks.hpp"

TEST_SUITE("ex24") {
  TEST_CASE("ex24: silu_second_derivative equals the tape differentiating its own backward") {
    // silu'' by the tape: the gradient taken with create_graph, then differentiated again.
    const std::vector<double> xs = {-6.0, -2.5, -1.0, -0.3, 0.0, 0.4, 1.3, 2.0, 5.0};
    const Tensor x = tensor(xs, {}, float64).requires_grad_();
    const Tensor slope = grad({sum(silu(x))}, {x}, {}, /*create_graph=*/true)[0];
    const std::vector<double> tape = grad({sum(slope)}, {x})[0].to_vector();
    std::vector<double> yours;
    for (double v : xs) yours.push_back(ex::silu_second_derivative(v));
    check_close("silu''(x) at -6, -2.5, -1, -0.3, 0, 0.4, 1.3, 2, 5", yours, tape, 1e-12);
  }
  TEST_CASE("ex24: silu_second_derivative is 1/2 at 0 and exact far out") {
    // At 0: s = 1/2, so s (1 - s) (2 + 0) = 1/2. Far out the curve flattens to 0 on both sides,
    // and no step on the way may overflow (exp(800) does, in double).
    std::vector<double> yours;
    for (double v : {0.0, -800.0, 800.0}) yours.push_back(ex::silu_second_derivative(v));
    check_close("silu''(x) at 0, -800, 800", yours, {0.5, 0.0, 0.0}, 1e-300);
    // At x = 40, 1 - s is e^-40 / (1 + e^-40), about 4e-18: computed as 1 - s it is 0 in double,
    // and so is the answer, which is about -1.6e-16. Every digit is wanted, as on the left.
    for (double v : {40.0, 30.0, -40.0}) {
      CAPTURE(v);
      const double e = std::exp(-std::abs(v));  // s (1 - s) = e / (1 + e)^2 on both sides
      const double s = v > 0 ? 1 / (1 + e) : e / (1 + e);
      const double expected = e / ((1 + e) * (1 + e)) * (2 + v * (1 - 2 * s));
      check_close("silu''(x), relative to its size", {ex::silu_second_derivative(v) / expected},
                  {1.0}, 1e-9);
    }
  }
}
