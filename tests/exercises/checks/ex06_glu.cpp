#include <cmath>

#include "exercise_checks.hpp"

TEST_SUITE("ex06") {
  TEST_CASE("ex06: glu_halves of (4 -1 5 2) gives 4 sigma(5) and -sigma(2)") {
    const auto sig = [](double x) { return 1 / (1 + std::exp(-x)); };
    check_values(ex::glu_halves(tensor({4, -1, 5, 2}, {}, float64)), {4 * sig(5), -sig(2)}, 1e-12);
  }
  TEST_CASE("ex06: glu_halves passes a gradient check") {
    check_gradients([](Inputs v) { return ex::glu_halves(v[0]); }, {random_var({3, 6}, 8)});
  }
}
