#include <cmath>

#include "exercise_checks.hpp"

TEST_SUITE("ex04") {
  TEST_CASE("ex04: sigmoid values with no NaN or inf anywhere") {
    check_close("sigmoid(0 2 -2)", {ex::sigmoid(0), ex::sigmoid(2), ex::sigmoid(-2)},
                {0.5, 0.8807970779778823, 0.11920292202211755}, 1e-15);
    std::vector<double> finite;
    for (double x : {-1e4, -800.0, -50.0, 50.0, 800.0, 1e4})
      finite.push_back(std::isfinite(ex::sigmoid(x)) && std::isfinite(ex::sigmoid_derivative(x)));
    check_close("finite at -1e4 -800 -50 50 800 1e4", finite, std::vector<double>(6, 1.0), 0);
    CHECK(ex::sigmoid(-720) > 0);  // e^-720 is tiny but not 0; 1 / (1 + e^720) = 1 / inf = 0
  }
  TEST_CASE("ex04: sigmoid_derivative matches central differences") {
    std::vector<double> yours, numeric;
    for (double x : {-3.0, -0.5, 0.0, 1.0, 4.0}) {
      yours.push_back(ex::sigmoid_derivative(x));
      numeric.push_back((ex::sigmoid(x + 1e-6) - ex::sigmoid(x - 1e-6)) / 2e-6);
    }
    check_close("sigmoid'(-3 -0.5 0 1 4)", yours, numeric, 1e-9);
  }
}
