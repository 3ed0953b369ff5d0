// The Swish (learnable beta), GLU and SwiGLU layers.
#include "activations/activations.hpp"
#include "helpers.hpp"
#include "layers/layers.hpp"

using namespace tg;
using namespace tg::testing;

TEST_CASE("gradcheck: Swish layer, including its beta") {
  nn::Swish layer(1.3, float64);
  const Tensor x = random_var({3, 4}, 101);
  check_param_gradients([&] { return layer(x); }, params_and(layer, {x}));
  CHECK(layer.num_parameters() == 1);
}

TEST_CASE("Swish's beta learns: a few gradient steps move it toward the beta that made the data") {
  // Targets made with beta = 2; the layer starts at beta = 1 and fits beta by gradient descent.
  nn::Swish layer(1.0, float64);
  const Tensor x = linspace(-3, 3, 25, float64);
  const Tensor target = swish(x, 2.0);
  for (int step = 0; step < 1000; ++step) {
    Tensor loss = mean(pow(layer(x) - target, 2.0));
    loss.backward();
    NoGradGuard no_grad;
    add_(layer.beta, layer.beta.grad() * -2.0);
    layer.zero_grad();
  }
  CHECK(layer.beta.item() == doctest::Approx(2.0).epsilon(1e-3));
}

TEST_CASE("GLU layer: x * sigmoid(Wx + b), with and without bias") {
  for (bool bias : {true, false}) {
    CAPTURE(bias);
    Generator gen(3);
    nn::GLU layer(4, gen, bias, float64);
    const Tensor x = random_var({2, 4}, 102);
    check_values(layer(x), (x * sigmoid(layer.proj->forward(x))).to_vector(), 1e-14);
    check_param_gradients([&] { return layer(x); }, params_and(layer, {x}));
    CHECK(layer.num_parameters() == 16 + (bias ? 4 : 0));
  }
}

TEST_CASE("SwiGLU layer: swish(xW + b) * (xV + c), biases as configured") {
  for (bool gate_bias : {true, false})
    for (bool value_bias : {false, true}) {
      CAPTURE(gate_bias);
      CAPTURE(value_bias);
      Generator gen(4);
      nn::SwiGLU layer(4, 6, gen, {gate_bias, value_bias, float64});
      const Tensor x = random_var({3, 4}, 103);
      check_values(layer(x), (silu(layer.gate->forward(x)) * layer.value->forward(x)).to_vector(),
                   1e-14);
      check_param_gradients([&] { return layer(x); }, params_and(layer, {x}));
      CHECK(layer.num_parameters() == 2 * 4 * 6 + (gate_bias ? 6 : 0) + (value_bias ? 6 : 0));
    }
  Generator gen(5);
  nn::SwiGLU defaults(8, 16, gen);
  CHECK(defaults.gate->bias.defined());         // gate bias on by default
  CHECK_FALSE(defaults.value->bias.defined());  // value bias off by default
}

TEST_CASE("dropout: identity in eval, zeroes about p of the elements in training, keeps the mean") {
  nn::Dropout drop(0.25, 7);
  const Tensor x = ones({100000});
  drop.eval();
  CHECK(drop(x).data<float>() == x.data<float>());
  drop.train();
  const std::vector<double> y = drop(x).to_vector();
  double zeros_seen = 0, total = 0;
  for (double v : y) {
    zeros_seen += v == 0;
    total += v;
    REQUIRE((v == 0 || std::abs(v - 1 / 0.75) < 1e-6));
  }
  CHECK(zeros_seen / y.size() == doctest::Approx(0.25).epsilon(0.02));
  CHECK(total / y.size() == doctest::Approx(1.0).epsilon(0.01));
  CHECK(error_of([] { nn::Dropout(1.0); }) == "dropout: p must be in [0, 1), got 1");
}

TEST_CASE(
    "gradcheck: dropout itself, with the generator re-seeded so each call draws the same mask") {
  check_gradients(
      [](const std::vector<Tensor>& v) {
        Generator gen(8);
        return nn::dropout(v[0], 0.5, gen, true);
      },
      {random_var({3, 4}, 104)});
  // And the mask really drops: some of the 12 elements, not all, get zero gradient.
  Tensor x = random_var({3, 4}, 105);
  Generator gen(8);
  nn::dropout(x, 0.5, gen, true).sum().backward();
  int dropped = 0;
  for (double g : x.grad().to_vector()) {
    dropped += g == 0;
    CHECK((g == 0 || g == 2));
  }
  CHECK(dropped > 0);
  CHECK(dropped < 12);
}
