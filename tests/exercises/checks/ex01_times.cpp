#include "exercise_checks.hpp"

TEST_SUITE("ex01") {
  TEST_CASE("ex01: times computes a * b") {
    check_values("out", ex::times(tensor({1, 2, 3}, {}, float64), tensor({4, 5, 6}, {}, float64)),
                 {4, 10, 18});
  }
  TEST_CASE("ex01: times passes gradient checks and x * x gives 2x") {
    check_gradients([](Inputs v) { return ex::times(v[0], v[1]); },
                    {random_var({2, 3}, 1), random_var({2, 3}, 2)});
    Tensor x = var({3});
    ex::times(x, x).sum().backward();
    check_values("x.grad in x * x", x.grad(), {6}, 0);
  }
}
