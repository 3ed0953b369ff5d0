#include <cmath>

#include "exercise_checks.hpp"

TEST_SUITE("ex04") {
  TEST_CASE("ex04: sigmoid values with no NaN or inf anywhere") {
    CHECK(ex::sigmoid(0) == 0.5);
    CHECK(ex::sigmoid(2) == doctest::Approx(0.8807970779778823));
    CHECK(ex::sigmoid(-2) == doctest::Approx(0.11920292202211755));
    for (double x : {-1e4, -800.0, -50.0, 50.0, 800.0, 1e4}) {
      CAPTURE(x);
      CHECK(std::isfinite(ex::sigmoid(x)));
      CHECK(std::isfinite(ex::sigmoid_derivative(x)));
    }
    CHECK(ex::sigmoid(-720) > 0);  // e^-720 is tiny but not 0; 1 / (1 + e^720) = 1 / inf = 0
  }
  TEST_CASE("ex04: sigmoid_derivative matches central differences") {
    for (double x : {-3.0, -0.5, 0.0, 1.0, 4.0}) {
      CAPTURE(x);
      const double numeric = (ex::sigmoid(x + 1e-6) - ex::sigmoid(x - 1e-6)) / 2e-6;
      CHECK(ex::sigmoid_derivative(x) == doctest::Approx(numeric).epsilon(1e-7));
    }
  }
}
