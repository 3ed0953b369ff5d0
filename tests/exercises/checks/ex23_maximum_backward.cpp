#include <tuple>

#include "exercise_checks.hpp"

TEST_SUITE("ex23") {
  TEST_CASE("ex23: maximum_backward routes g to the larger input") {
    const auto [da, db] = ex::maximum_backward(3.0, -1.0, 2.5);
    const auto [ea, eb] = ex::maximum_backward(-4.0, 0.5, 2.5);
    check_close("(da, db) for a > b, then a < b", {da, db, ea, eb}, {2.5, 0.0, 0.0, 2.5}, 0);
  }
  TEST_CASE("ex23: maximum_backward splits a tie half and half as the tape does") {
    const Tensor a = tensor({1.0, 2.0, 3.0}, {}, float64).requires_grad_();
    const Tensor b = tensor({1.0, 5.0, 3.0}, {}, float64).requires_grad_();
    maximum(a, b).backward(tensor({4.0, 4.0, -2.0}, {}, float64));
    std::vector<double> yours_a, yours_b;
    const std::vector<std::tuple<double, double, double>> pairs = {
        {1.0, 1.0, 4.0}, {2.0, 5.0, 4.0}, {3.0, 3.0, -2.0}};  // a, b, g
    for (const auto& [x, y, g] : pairs) {
      const auto [da, db] = ex::maximum_backward(x, y, g);
      yours_a.push_back(da), yours_b.push_back(db);
    }
    check_close("da", yours_a, a.grad().to_vector(), 0);
    check_close("db", yours_b, b.grad().to_vector(), 0);
  }
}
