// Elementwise ops: forward values, float64 gradient checks, broadcasting, errors.
#include "helpers.hpp"

using namespace tg;
using namespace tg::testing;

using Inputs = const std::vector<Tensor>&;

TEST_CASE("arithmetic forward values") {
  const Tensor a = tensor({1, 2, 3, 4}, {2, 2}), b = tensor({10, 20, 30, 40}, {2, 2});
  check_values(a + b, {11, 22, 33, 44});
  check_values(b - a, {9, 18, 27, 36});
  check_values(a * b, {10, 40, 90, 160});
  check_values(b / a, {10, 10, 10, 10});
  check_values(-a, {-1, -2, -3, -4});
  check_values(a + 1.0, {2, 3, 4, 5});
  check_values(1.0 - a, {0, -1, -2, -3});
  check_values(2.0 * a, {2, 4, 6, 8});
  check_values(12.0 / a, {12, 6, 4, 3});
  check_values(a / 2.0, {0.5, 1, 1.5, 2});
  check_values(a - 1.0, {0, 1, 2, 3});
}

TEST_CASE("unary forward values") {
  const Tensor x = tensor({0.25, 1, 4}, {}, float64);
  check_values(pow(x, 2.0), {0.0625, 1, 16}, 1e-12);
  check_values(pow(x, -0.5), {2, 1, 0.5}, 1e-12);
  check_values(exp(x), {std::exp(0.25), std::exp(1.0), std::exp(4.0)}, 1e-12);
  check_values(log(x), {std::log(0.25), 0, std::log(4.0)}, 1e-12);
  check_values(sqrt(x), {0.5, 1, 2}, 1e-12);
  check_values(abs(tensor({-2, 0, 3})), {2, 0, 3});
  check_values(clamp(tensor({-2, 0.5, 3}), 0, 1), {0, 0.5, 1});
  check_values(clamp(tensor({-2, 0.5, 3}), 0), {0, 0.5, 3});
  check_values(maximum(tensor({1, 5, 3}), tensor({4, 2, 3})), {4, 5, 3});
  check_values(minimum(tensor({1, 5, 3}), tensor({4, 2, 3})), {1, 2, 3});
  check_values(gt(tensor({1, 5, 3}), tensor({4, 2, 3})), {0, 1, 0});
  check_values(lt(tensor({1, 5, 3}), tensor({4, 2, 3})), {1, 0, 0});
  check_values(eq(tensor({1, 5, 3}), tensor({4, 2, 3})), {0, 0, 1});
}

TEST_CASE("where and masked_fill") {
  const Tensor cond = tensor({1, 0, 0, 1}, {2, 2});
  check_values(where(cond, tensor({1, 2, 3, 4}, {2, 2}), tensor({-1, -2}, {2})), {1, -2, -1, 4});
  // The causal-mask pattern: fill the upper triangle with -inf.
  const Tensor upper = tensor({0, 1, 0, 0}, {2, 2});
  const Tensor filled = masked_fill(tensor({1, 2, 3, 4}, {2, 2}), upper, -INFINITY);
  CHECK(filled.at({0, 0}) == 1);
  CHECK(std::isinf(filled.at({0, 1})));
  CHECK(filled.at({1, 1}) == 4);
}

TEST_CASE("broadcasting follows NumPy rules") {
  const Tensor col = tensor({1, 2, 3}, {3, 1}), row = tensor({10, 20}, {2});
  const Tensor s = col + row;
  CHECK(s.shape() == Shape{3, 2});
  check_values(s, {11, 21, 12, 22, 13, 23});
  CHECK((zeros({4, 1, 5}) * zeros({3, 1})).shape() == Shape{4, 3, 5});
  CHECK((zeros({2, 3}) + scalar(1)).shape() == Shape{2, 3});
  const std::string message = error_of([] { add(zeros({2, 3}), zeros({4})); });
  CHECK(message == "add: shapes (2,3) and (4,) cannot broadcast: axis -1 is 3 vs 4");
  CHECK_ERROR([] { mul(zeros({2}), zeros({2}, float64)); },
              "mul: dtypes differ: float32 (2,) and float64 (2,)");
}

TEST_CASE("gradcheck: binary arithmetic, with and without broadcasting") {
  const Tensor a = random_var({2, 3}, 1), b = random_var({2, 3}, 2);
  const Tensor col = random_var({2, 1}, 3), row = random_var({3}, 4);
  const Tensor positive = random_var({2, 3}, 5, 3.0);  // away from 0 for division
  check_gradients([](Inputs x) { return x[0] + x[1]; }, {a, b});
  check_gradients([](Inputs x) { return x[0] - x[1]; }, {a, b});
  check_gradients([](Inputs x) { return x[0] * x[1]; }, {a, b});
  check_gradients([](Inputs x) { return x[0] / x[1]; }, {a, positive});
  check_gradients([](Inputs x) { return x[0] + x[1]; }, {a, col});
  check_gradients([](Inputs x) { return x[0] * x[1]; }, {col, row});
  check_gradients([](Inputs x) { return x[0] / x[1]; }, {col, positive});
  check_gradients([](Inputs x) { return x[0] - x[1] * x[2]; }, {row, a, col});
  check_gradients([](Inputs x) { return x[0] * 3.0 + 2.0 / x[1] - 1.0; }, {a, positive});
}

TEST_CASE("gradcheck: unary ops") {
  const Tensor x = random_var({3, 2}, 11);
  const Tensor positive = random_var({3, 2}, 12, 3.0);
  // Values in (-1, 1) and |x| > 0.1: away from abs's kink and inside the clamp range boundaries.
  const Tensor away = var({-0.8, -0.3, 0.2, 0.6, 1.7, -1.4}, {3, 2});
  check_gradients([](Inputs v) { return -v[0]; }, {x});
  check_gradients([](Inputs v) { return pow(v[0], 3.0); }, {x});
  check_gradients([](Inputs v) { return pow(v[0], -1.5); }, {positive});
  check_gradients([](Inputs v) { return exp(v[0]); }, {x});
  check_gradients([](Inputs v) { return log(v[0]); }, {positive});
  check_gradients([](Inputs v) { return sqrt(v[0]); }, {positive});
  check_gradients([](Inputs v) { return abs(v[0]); }, {away});
  check_gradients([](Inputs v) { return clamp(v[0], -1.0, 1.0); }, {away});
  check_gradients([](Inputs v) { return clamp(v[0], 0.0); }, {away});
}

TEST_CASE("gradcheck: maximum, minimum, where, masked_fill") {
  const Tensor a = var({1, -2, 3, 0.5}, {2, 2}), b = var({0, 4, 2.5, 1}, {2, 2});
  const Tensor c = var({0.3, -0.7}, {2});
  check_gradients([](Inputs v) { return maximum(v[0], v[1]); }, {a, b});
  check_gradients([](Inputs v) { return minimum(v[0], v[1]); }, {a, b});
  check_gradients([](Inputs v) { return maximum(v[0], v[1]); }, {a, c});
  const Tensor cond = tensor({1, 0, 0, 1}, {2, 2}, float64);
  check_gradients([cond](Inputs v) { return where(cond, v[0], v[1]); }, {a, c});
  const Tensor mask = tensor({0, 1}, {2}, float64);
  check_gradients([mask](Inputs v) { return masked_fill(v[0], mask, -5.0) * v[0]; }, {a});
}

TEST_CASE("ties in maximum split the gradient in half") {
  Tensor a = var({2}), b = var({2});
  maximum(a, b).sum().backward();
  CHECK(a.grad().item() == 0.5);
  CHECK(b.grad().item() == 0.5);
}

TEST_CASE("abs and clamp at their kinks take the documented choices") {
  Tensor x = var({0, 1, -1, 2});
  abs(x).sum().backward();
  check_values(x.grad(), {0, 1, -1, 1});  // sign(0) = 0
  Tensor y = var({0, 1, -1, 2});
  clamp(y, 0, 1).sum().backward();
  check_values(y.grad(), {1, 1, 0, 0});  // the bounds themselves pass the gradient
}

TEST_CASE("add_ adds in place with broadcasting and records nothing") {
  current_tape().clear();
  const Tensor t = zeros({2, 2});
  Tensor source = tensor({1, 2});
  source.requires_grad_();
  add_(t, source);
  check_values(t, {1, 2, 1, 2});
  CHECK(current_tape().size() == 0);
  CHECK_FALSE(t.requires_grad());
  CHECK_ERROR_STARTS([&] { add_(t, zeros({3})); }, "add_");
  CHECK_ERROR(
      [&] {
        add_(zeros({2}), zeros({2, 2}));
      },
      "does not broadcast to target's shape (2,)");
}

TEST_CASE("NaN propagates through maximum and minimum from either side") {
  CHECK(std::isnan(maximum(scalar(NAN), scalar(1)).item()));
  CHECK(std::isnan(maximum(scalar(1), scalar(NAN)).item()));
  CHECK(std::isnan(minimum(scalar(NAN), scalar(1)).item()));
  CHECK(std::isnan(minimum(scalar(1), scalar(NAN)).item()));
}

TEST_CASE("pow with exponent 0 has a zero gradient, even at x = 0") {
  Tensor x = var({0, 2});
  pow(x, 0.0).sum().backward();
  check_values(x.grad(), {0, 0});
}

TEST_CASE("clamp in float32 passes the gradient at a bound that float32 rounds") {
  // 0.1 is not a float; the forward compares with float(0.1), and so must the backward.
  Tensor x = tensor({0.1}, {1}, float32);
  x.requires_grad_();
  clamp(x, 0.1, 1.0).sum().backward();
  CHECK(x.grad().item() == 1.0);
}

TEST_CASE("clamp rejects lo > hi, masked_fill rejects a mask larger than x") {
  CHECK(error_of([] { clamp(zeros({2}), 1, 0); }) == "clamp: lo=1 is greater than hi=0");
  CHECK_ERROR_STARTS(
      [] {
        masked_fill(zeros({2}), zeros({2, 2}), 0);
      },
      "masked_fill: mask of shape (2,2) does not broadcast to x's shape (2,)");
}
