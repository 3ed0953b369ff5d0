// Activations: values, derivatives, gradient checks, fused = composite, extreme inputs.
#include "activations/activations.hpp"
#include "activations/glu.hpp"
#include "helpers.hpp"

using namespace tg;
using namespace tg::testing;

using Inputs = const std::vector<Tensor>&;

namespace {
// Inputs kept at least 0.1 away from 0, where relu-like functions have their kink.
Tensor off_kink(std::uint64_t seed) {
  Generator gen(seed);
  Tensor t = randn({3, 4}, gen, float64);
  for (std::int64_t i = 0; i < t.numel(); ++i) {
    double& v = t.data<double>()[i];
    if (std::abs(v) < 0.1) v = v < 0 ? -0.1 - v : 0.1 + v;
  }
  t.requires_grad_();
  return t;
}

// d f(x) / dx at one point, by backward.
double derivative(Tensor (*f)(const Tensor&), double at) {
  Tensor x = scalar(at, float64).requires_grad_();
  f(x).backward();
  return x.grad().item();
}
}  // namespace

TEST_CASE("activation values at known points") {
  const Tensor x = tensor({-1, 0, 1, 30}, {}, float64);
  check_values(relu(x), {0, 0, 1, 30});
  check_values(leaky_relu(x, 0.1), {-0.1, 0, 1, 30});
  check_values(sigmoid(x), {0.2689414213699951, 0.5, 0.7310585786300049, 1.0}, 1e-12);
  check_values(tanh(x), {std::tanh(-1.0), 0, std::tanh(1.0), 1.0}, 1e-12);
  // Phi(1) = 0.8413447460685429 (the normal CDF), so gelu(1) = Phi(1), gelu(-1) = -Phi(-1).
  check_values(gelu(x), {-0.15865525393145707, 0, 0.8413447460685429, 30}, 1e-12);
  check_values(gelu(x, GeluApproximation::Tanh), {-0.15880800939172324, 0, 0.8411919906082768, 30},
               1e-12);
  check_values(silu(x), {-0.2689414213699951, 0, 0.7310585786300049, 30 / (1 + std::exp(-30.0))},
               1e-12);
  check_values(softplus(x), {0.31326168751822286, std::log(2.0), 1.3132616875182228, 30}, 1e-12);
  check_values(
      softplus(x, 2.0),
      {std::log1p(std::exp(-2.0)) / 2, std::log(2.0) / 2, std::log1p(std::exp(2.0)) / 2, 30},
      1e-12);
}

TEST_CASE("worked example: swish(0) = 0 and swish'(0) = 1/2") {
  // swish'(x) = s + x s (1 - s) with s = sigma(x); at 0, s = 1/2 and the second term vanishes.
  CHECK(swish(scalar(0.0, float64)).item() == 0.0);
  CHECK(derivative([](const Tensor& x) { return swish(x); }, 0.0) == 0.5);
  CHECK(derivative([](const Tensor& x) { return silu(x); }, 0.0) == 0.5);
  CHECK(derivative([](const Tensor& x) { return swish_composite(x); }, 0.0) == 0.5);
  // sigma'(0) = 1/4, tanh'(0) = 1, gelu'(0) = Phi(0) = 1/2.
  CHECK(derivative([](const Tensor& x) { return sigmoid(x); }, 0.0) == 0.25);
  CHECK(derivative([](const Tensor& x) { return tanh(x); }, 0.0) == 1.0);
  CHECK(derivative([](const Tensor& x) { return gelu(x); }, 0.0) == 0.5);
}

TEST_CASE("the tanh approximation of GELU is within 5e-4 of the exact one (largest gap 4.7e-4)") {
  const Tensor x = linspace(-10, 10, 200001, float64);
  const std::vector<double> exact = gelu(x).to_vector();
  const std::vector<double> approx = gelu(x, GeluApproximation::Tanh).to_vector();
  double largest = 0;
  for (std::size_t i = 0; i < exact.size(); ++i)
    largest = std::max(largest, std::abs(exact[i] - approx[i]));
  CHECK(largest < 5e-4);
  CHECK(largest == doctest::Approx(4.7e-4).epsilon(0.01));
}

TEST_CASE("relu's derivative at 0 is 0 by choice, leaky_relu's is the slope") {
  CHECK(derivative([](const Tensor& x) { return relu(x); }, 0.0) == 0.0);
  CHECK(derivative([](const Tensor& x) { return leaky_relu(x, 0.2); }, 0.0) ==
        doctest::Approx(0.2));
}

TEST_CASE("gradcheck: every activation") {
  const Tensor x = off_kink(71);
  check_gradients([](Inputs v) { return relu(v[0]); }, {x});
  check_gradients([](Inputs v) { return leaky_relu(v[0], 0.05); }, {x});
  check_gradients([](Inputs v) { return sigmoid(v[0]); }, {x});
  check_gradients([](Inputs v) { return tanh(v[0]); }, {x});
  check_gradients([](Inputs v) { return gelu(v[0]); }, {x});
  check_gradients([](Inputs v) { return gelu(v[0], GeluApproximation::Tanh); }, {x});
  check_gradients([](Inputs v) { return silu(v[0]); }, {x});
  check_gradients([](Inputs v) { return swish(v[0], 1.7); }, {x});
  check_gradients([](Inputs v) { return swish_composite(v[0], 1.7); }, {x});
  check_gradients([](Inputs v) { return softplus(v[0]); }, {x});
  check_gradients([](Inputs v) { return softplus(v[0], 3.0); }, {x});
}

TEST_CASE("gradcheck: swish with a learnable beta, shared or one per feature") {
  const Tensor x = off_kink(72);
  const Tensor shared = var({0.8}, {}), per_feature = var({0.5, 1.0, 1.5, 2.0}, {4});
  check_gradients([](Inputs v) { return swish(v[0], v[1]); }, {x, shared.reshape({})});
  check_gradients([](Inputs v) { return swish(v[0], v[1]); }, {x, per_feature});
  check_gradients([](Inputs v) { return swish_composite(v[0], v[1]); }, {x, per_feature});
}

TEST_CASE("fused swish equals the composite x * sigmoid(beta x) in values and gradients") {
  for (bool tensor_beta : {false, true}) {
    CAPTURE(tensor_beta);
    Tensor x1 = off_kink(73), x2 = off_kink(73);
    Tensor b1 = var({0.5, 1.0, 1.5, 2.0}, {4}), b2 = var({0.5, 1.0, 1.5, 2.0}, {4});
    const Tensor fused = tensor_beta ? swish(x1, b1) : swish(x1, 1.3);
    const Tensor composite = tensor_beta ? swish_composite(x2, b2) : swish_composite(x2, 1.3);
    check_values(fused, composite.to_vector(), 1e-14);
    fused.sum().backward();
    composite.sum().backward();
    check_values(x1.grad(), x2.grad().to_vector(), 1e-14);
    if (tensor_beta) check_values(b1.grad(), b2.grad().to_vector(), 1e-13);
  }
}

TEST_CASE("no NaN or inf in values or gradients for inputs up to +-1e4, float32 and float64") {
  using Fn = std::function<Tensor(const Tensor&)>;
  const std::vector<std::pair<const char*, Fn>> fns = {
      {"relu", [](const Tensor& x) { return relu(x); }},
      {"leaky_relu", [](const Tensor& x) { return leaky_relu(x); }},
      {"sigmoid", [](const Tensor& x) { return sigmoid(x); }},
      {"tanh", [](const Tensor& x) { return tanh(x); }},
      {"gelu", [](const Tensor& x) { return gelu(x); }},
      {"gelu_tanh", [](const Tensor& x) { return gelu(x, GeluApproximation::Tanh); }},
      {"silu", [](const Tensor& x) { return silu(x); }},
      {"swish", [](const Tensor& x) { return swish(x, 2.0); }},
      {"swish_beta",
       [](const Tensor& x) { return swish(x, scalar(0.5, x.dtype()).requires_grad_()); }},
      {"softplus_beta", [](const Tensor& x) { return softplus(x, 3.0); }},
      {"swish_composite", [](const Tensor& x) { return swish_composite(x, 2.0); }},
      {"softplus", [](const Tensor& x) { return softplus(x); }},
      {"glu", [](const Tensor& x) { return glu(x, 0); }},
      {"bilinear", [](const Tensor& x) { return bilinear(x, 0); }},
      {"reglu", [](const Tensor& x) { return reglu(x, 0); }},
      {"geglu", [](const Tensor& x) { return geglu(x, 0); }},
      {"swiglu", [](const Tensor& x) { return swiglu(x, 0); }},
      {"swiglu_composite",
       [](const Tensor& x) { return gated_halves_composite(x, GateActivation::Swish, 0); }},
  };
  // The gated ones split the input in halves along axis 0: each point is gated by its own
  // negation (and 0 by 1), so extreme gates meet extreme values of the opposite sign.
  const std::vector<double> points = {-1e4, -1e3, -100, -30, -1,  -1e-3, 0,
                                      1e-3, 1,    30,   100, 1e3, 1e4};
  std::vector<double> values;
  for (double a : points) values.push_back(a);
  for (double a : points) values.push_back(a == 0 ? 1 : -a);
  for (DType dtype : {float32, float64}) {
    for (const auto& [name, f] : fns) {
      CAPTURE(name);
      CAPTURE(dtype_name(dtype));
      Tensor x = tensor(values, {static_cast<std::int64_t>(values.size())}, dtype);
      x.requires_grad_();
      const Tensor y = f(x);
      for (double v : y.to_vector()) REQUIRE(std::isfinite(v));
      y.sum().backward();
      for (double v : x.grad().to_vector()) REQUIRE(std::isfinite(v));
    }
  }
}

TEST_CASE("softplus needs beta > 0, swish needs matching dtypes") {
  CHECK(error_of([] { softplus(zeros({2}), 0.0); }) ==
        "softplus: needs a finite beta > 0 (within 1e-30..1e30 for float32), got 0");
  CHECK(error_of([] { swish(zeros({2}), scalar(1.0, float64)); }) ==
        "swish: x is float32 but beta is float64");
  CHECK_ERROR_STARTS(
      [] {
        swish(zeros({2, 3}), zeros({2}));
      },
      "swish: shapes (2,3) and (2,) cannot broadcast");
}
