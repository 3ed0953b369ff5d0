#include <cmath>

#include "exercise_checks.hpp"

TEST_SUITE("ex10") {
  TEST_CASE("ex10: Linear has PyTorch's parameters and initialisation") {
    Generator gen(16);
    ex::Linear layer(100, 20, gen, float64);
    const auto named = layer.named_parameters();
    REQUIRE(named.size() == 2);
    CHECK(named[0].first == "weight");
    CHECK(named[0].second.shape() == Shape{20, 100});
    CHECK(named[1].first == "bias");
    CHECK(named[1].second.shape() == Shape{20});
    for (double v : layer.weight.to_vector()) REQUIRE(std::abs(v) <= 0.1);
  }
  TEST_CASE("ex10: Linear computes x W^T + b and passes a gradient check") {
    Generator gen(17);
    ex::Linear layer(4, 3, gen, float64);
    const Tensor x = random_var({2, 5, 4}, 18);
    check_values("out", layer.forward(x), linear(x, layer.weight, layer.bias), 1e-12);
    check_param_gradients([&] { return layer.forward(x); }, params_and(layer, {x}));
  }
}
