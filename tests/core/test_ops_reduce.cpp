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

TEST_CASE("one number per row: the last axis's own loops give the general loops' bits") {
  // sum over the last axis, a (..., 1) operand broadcast along it, and sum_to_shape back down to
  // (..., 1) each have a loop of their own (kernels.hpp, ops_reduce.cpp); each sums in the same
  // order as the general loop, so the numbers are the same to the last bit.
  for (DType dtype : {float32, float64}) {
    CAPTURE(dtype_name(dtype));
    Generator gen(60);
    const Tensor x = randn({3, 5, 37}, gen, dtype), r = randn({3, 5, 1}, gen, dtype);
    const Tensor xt = permute(x, {2, 0, 1});  // the last axis first: the general loops
    CHECK(sum(x, -1, true).to_vector() == sum(xt, 0).to_vector());
    double total = 0;  // everything, in order, in double, rounded once
    for (double v : x.to_vector()) total += v;
    const double rounded = dtype == float32 ? static_cast<double>(static_cast<float>(total)) : total;
    CHECK(sum(x).item() == rounded);
    CHECK(sum_to_shape(x, {3, 5, 1}).to_vector() == sum_to_shape(xt, {1, 3, 5}).to_vector());
    CHECK(mul(x, r).to_vector() == mul(x, expand(r, x.shape())).to_vector());
    CHECK(sub(x, r).to_vector() == sub(x, expand(r, x.shape())).to_vector());
  }
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
