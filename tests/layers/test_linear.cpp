// nn::Linear and the linear op: values, PyTorch's initialisation, gradients, errors.
#include "helpers.hpp"
#include "layers/layers.hpp"

using namespace tg;
using namespace tg::testing;

using Inputs = const std::vector<Tensor>&;

TEST_CASE("linear computes x W^T + b over any leading axes") {
  const Tensor x = tensor({1, 2, 3, 4, 5, 6}, {2, 3});
  const Tensor w = tensor({1, 0, 0, 0, 1, 1}, {2, 3});  // rows: pick x0; add x1 + x2
  const Tensor b = tensor({10, 20});
  check_values(linear(x, w, b), {11, 25, 14, 31});
  check_values(linear(x, w), {1, 5, 4, 11});
  CHECK(linear(zeros({4, 5, 3}), w, b).shape() == Shape{4, 5, 2});
  check_values(linear(x, w, b), (matmul(x, transpose(w, 0, 1)) + b).to_vector());
}

TEST_CASE("gradcheck: linear with and without bias, 2-D and 3-D inputs") {
  const Tensor x = random_var({2, 3, 4}, 91), w = random_var({5, 4}, 92), b = random_var({5}, 93);
  check_gradients([](Inputs v) { return linear(v[0], v[1], v[2]); }, {x, w, b});
  check_gradients([](Inputs v) { return linear(v[0], v[1]); }, {x, w});
  check_gradients([](Inputs v) { return linear(v[0], v[1], v[2]); },
                  {random_var({6, 4}, 94), w, b});
}

TEST_CASE("gradcheck: the Linear layer's parameters and input, with and without bias") {
  for (bool bias : {true, false}) {
    CAPTURE(bias);
    Generator gen(1);
    nn::Linear layer(4, 3, gen, bias, float64);
    const Tensor x = random_var({5, 4}, 95);
    check_param_gradients([&] { return layer(x); }, params_and(layer, {x}));
  }
}

TEST_CASE("Linear initialises like PyTorch: U(-1/sqrt(in), 1/sqrt(in)), counts match") {
  Generator gen(2);
  nn::Linear layer(100, 50, gen);
  CHECK(layer.num_parameters() == 100 * 50 + 50);
  CHECK(nn::Linear(100, 50, gen, false).num_parameters() == 100 * 50);
  const std::vector<double> w = layer.weight.to_vector();
  double lo = 1, hi = -1, mean = 0, var = 0;
  for (double v : w) lo = std::min(lo, v), hi = std::max(hi, v), mean += v / w.size();
  for (double v : w) var += (v - mean) * (v - mean) / w.size();
  CHECK(lo >= -0.1);
  CHECK(hi <= 0.1);
  CHECK(lo < -0.099);  // 5000 draws come close to both ends
  CHECK(hi > 0.099);
  CHECK(var == doctest::Approx(0.01 / 3).epsilon(0.05));  // Var U(-k,k) = k^2/3
}

TEST_CASE("linear rejects mismatched shapes") {
  CHECK(error_of([] {
          linear(zeros({2, 3}), zeros({4, 5}));
        }) == "linear: needs x (..., in) and weight (out, in), got x (2,3) and weight (4,5)");
  CHECK(error_of([] {
          linear(zeros({2, 3}), zeros({4, 3}), zeros({5}));
        }) == "linear: bias has shape (5,) but weight (4,3) needs (4,)");
  Generator gen(0);
  CHECK(error_of([&] { nn::Linear(0, 3, gen); }) == "Linear: needs positive sizes, got in=0 out=3");
}
