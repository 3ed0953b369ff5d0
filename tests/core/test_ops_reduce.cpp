// Reductions: sum, mean, max over everything or one axis; argmax; sum_to_shape.
#include "helpers.hpp"

using namespace tg;
using namespace tg::testing;

using Inputs = const std::vector<Tensor>&;

TEST_CASE("reductions forward values") {
  const Tensor x = tensor({1, 5, 3, 4, 2, 6}, {2, 3});
  CHECK(sum(x).item() == 21);
  CHECK(mean(x).item() == 3.5);
  CHECK(max(x).item() == 6);
  check_values(sum(x, 0), {5, 7, 9});
  check_values(sum(x, -1), {9, 12});
  CHECK(sum(x, 1, true).shape() == Shape{2, 1});
  CHECK(sum(x, 1).shape() == Shape{2});
  check_values(mean(x, 0), {2.5, 3.5, 4.5});
  check_values(max(x, 1), {5, 6});
  check_values(max(x, 0, true), {4, 5, 6});
  CHECK(argmax(x, 1) == std::vector<std::int64_t>{1, 2});
  CHECK(argmax(x, 0) == std::vector<std::int64_t>{1, 0, 1});
  CHECK(x.sum().item() == 21);
  CHECK(x.mean(1).shape() == Shape{2});
}

TEST_CASE("gradcheck: reductions over everything and over each axis") {
  const Tensor x = random_var({2, 3, 4}, 21);
  check_gradients([](Inputs v) { return sum(v[0]); }, {x});
  check_gradients([](Inputs v) { return mean(v[0]); }, {x});
  check_gradients([](Inputs v) { return max(v[0]); }, {x});
  for (int axis = -3; axis < 3; ++axis) {
    CAPTURE(axis);
    for (bool keepdim : {false, true}) {
      CAPTURE(keepdim);
      check_gradients([=](Inputs v) { return sum(v[0], axis, keepdim); }, {x});
      check_gradients([=](Inputs v) { return mean(v[0], axis, keepdim); }, {x});
      check_gradients([=](Inputs v) { return max(v[0], axis, keepdim); }, {x});
    }
  }
}

TEST_CASE("max sends the whole gradient to the first maximum") {
  Tensor x = var({3, 1, 3}, {3});
  max(x).backward();
  check_values(x.grad(), {1, 0, 0});
}

TEST_CASE("sum_to_shape is the reverse of broadcasting") {
  const Tensor g = ones({4, 2, 3});
  check_values(sum_to_shape(g, {2, 1}), {12, 12});
  check_values(sum_to_shape(g, {3}), {8, 8, 8});
  CHECK(sum_to_shape(g, {}).item() == 24);
  CHECK_ERROR_STARTS([&] { sum_to_shape(g, {5}); },
                     "sum_to_shape: cannot sum a gradient of shape (4,2,3) down to shape (5,)");
}

TEST_CASE("reductions reject bad axes and empty inputs") {
  const Tensor x = zeros({2, 3});
  CHECK(error_of([&] { sum(x, 2); }) ==
        "sum: axis 2 is out of range for a tensor with 2 dims (valid: -2..1)");
  CHECK_ERROR_STARTS([&] { max(x, -3); }, "max: axis -3 is out of range");
  CHECK_ERROR_STARTS([&] { mean(zeros({0})); }, "mean: of an empty tensor");
  CHECK_ERROR_STARTS([&] { max(zeros({0})); }, "max: of an empty tensor");
  CHECK_ERROR_STARTS([&] { sum(scalar(1), 0); }, "sum: axis 0 is out of range");
}
