#include <cmath>

#include "activations/activations.hpp"
#include "exercise_checks.hpp"

TEST_SUITE("ex06") {
  TEST_CASE("ex06: glu_halves of (4 -1 5 2) gives 4 sigma(5) and -sigma(2)") {
    const auto sig = [](double x) { return 1 / (1 + std::exp(-x)); };
    check_values("out", ex::glu_halves(tensor({4, -1, 5, 2}, {}, float64)), {4 * sig(5), -sig(2)},
                 1e-12);
  }
  TEST_CASE("ex06: glu_halves passes a gradient check") {
    Tensor x = random_var({3, 6}, 8);
    check_gradients([](Inputs v) { return ex::glu_halves(v[0]); }, {x});
    // By name, against the tape's gradient of a * sigmoid(b) built from slices.
    const Tensor g = random_var({3, 3}, 80).detach();
    (slice(x, -1, 0, 3) * sigmoid(slice(x, -1, 3, 6))).backward(g);
    const Tensor dx = x.grad().clone();
    x.zero_grad();
    ex::glu_halves(x).backward(g);
    check_values("dx", x.grad(), dx, 1e-12);
  }
}
