// The GLU family: worked examples, both half orders, fused = composite, gradient checks.
#include "activations/activations.hpp"
#include "activations/glu.hpp"
#include "core/fast/activated_linear.hpp"
#include "helpers.hpp"

using namespace tg;
using namespace tg::testing;

using Inputs = const std::vector<Tensor>&;

namespace {
const std::vector<GateActivation> kAll = {GateActivation::Sigmoid, GateActivation::Identity,
                                          GateActivation::ReLU, GateActivation::GELU,
                                          GateActivation::Swish};
double sig(double x) {
  return 1 / (1 + std::exp(-x));
}
double gelu_ref(double x) {
  return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
}
}  // namespace

TEST_CASE("worked example: chunked GLU of [4, -1, 5, 2]") {
  const Tensor x = tensor({4, -1, 5, 2}, {}, float64);
  // Sigmoid on the first half (gate first): [5 sigma(4), 2 sigma(-1)] = [4.91, 0.538].
  const Tensor gate_first = glu(x, -1, HalfOrder::GateFirst);
  check_values(gate_first, {5 * sig(4), 2 * sig(-1)}, 1e-12);
  check_values(gate_first, {4.91, 0.538}, 5e-3);
  // PyTorch's F.glu puts the value first: [4 sigma(5), -1 sigma(2)].
  check_values(glu(x), {4 * sig(5), -1 * sig(2)}, 1e-12);
  // The same input through chunked SwiGLU: swish(gate) * value.
  check_values(swiglu(x, -1, HalfOrder::GateFirst), {4 * sig(4) * 5, -1 * sig(-1) * 2}, 1e-12);
  check_values(swiglu(x), {5 * sig(5) * 4, 2 * sig(2) * -1}, 1e-12);
  // And the rest of the family, gate first: act(gate) * value.
  check_values(bilinear(x, -1, HalfOrder::GateFirst), {20, -2}, 1e-12);
  check_values(reglu(x, -1, HalfOrder::GateFirst), {20, 0}, 1e-12);
  check_values(geglu(x, -1, HalfOrder::GateFirst), {gelu_ref(4) * 5, gelu_ref(-1) * 2}, 1e-12);
}

TEST_CASE("gradcheck: gated(gate, value) for every activation, with broadcasting") {
  for (GateActivation act : kAll) {
    CAPTURE(gate_activation_name(act));
    const Tensor gate = random_var({3, 4}, 81, 0.3), value = random_var({3, 4}, 82);
    check_gradients([act](Inputs v) { return gated(v[0], v[1], act); }, {gate, value});
    check_gradients([act](Inputs v) { return gated_composite(v[0], v[1], act); }, {gate, value});
    check_gradients([act](Inputs v) { return gated(v[0], v[1], act); },
                    {gate, random_var({4}, 83)});
  }
}

TEST_CASE("gradcheck: chunked family over each axis and both half orders") {
  const Tensor x = random_var({4, 2, 6}, 84, 0.3);
  const Tensor y = random_var({3, 4, 5}, 87, 0.3);  // axis 1: both outer and inner axes > 1
  for (GateActivation act : kAll)
    for (HalfOrder order : {HalfOrder::ValueFirst, HalfOrder::GateFirst}) {
      CAPTURE(gate_activation_name(act));
      check_gradients([=](Inputs v) { return gated_halves(v[0], act, 1, order); }, {y});
      Tensor y1 = random_var({3, 4, 5}, 88), y2 = random_var({3, 4, 5}, 88);
      check_values(gated_halves(y1, act, 1, order),
                   gated_halves_composite(y2, act, 1, order).to_vector(), 1e-14);
    }
  for (GateActivation act : kAll)
    for (int axis : {0, 2, -3})
      for (HalfOrder order : {HalfOrder::ValueFirst, HalfOrder::GateFirst}) {
        CAPTURE(gate_activation_name(act));
        CAPTURE(axis);
        CAPTURE(order == HalfOrder::GateFirst);
        check_gradients([=](Inputs v) { return gated_halves(v[0], act, axis, order); }, {x});
      }
}

TEST_CASE("fused gated kernels equal the composite ones in values and gradients") {
  for (GateActivation act : kAll)
    for (HalfOrder order : {HalfOrder::ValueFirst, HalfOrder::GateFirst}) {
      CAPTURE(gate_activation_name(act));
      Tensor x1 = random_var({5, 8}, 85), x2 = random_var({5, 8}, 85);
      const Tensor fused = gated_halves(x1, act, -1, order);
      const Tensor composite = gated_halves_composite(x2, act, -1, order);
      REQUIRE(fused.shape() == Shape{5, 4});
      check_values(fused, composite.to_vector(), 1e-14);
      Generator gen(9);
      const Tensor w = randn({5, 4}, gen, float64);
      (fused * w).sum().backward();
      (composite * w).sum().backward();
      check_values(x1.grad(), x2.grad().to_vector(), 1e-14);
    }
}

TEST_CASE("the fused kernel keeps less on the tape than the composite") {
  // Fused: one record holding x. Composite: chunk's two slices, the activation, the product.
  current_tape().clear();
  Tensor x = random_var({2, 8}, 86);
  Tensor fused = swiglu(x);
  CHECK(current_tape().size() == 1);
  current_tape().clear();
  Tensor composite = gated_halves_composite(x, GateActivation::Swish);
  CHECK(current_tape().size() == 4);
  current_tape().clear();
}

TEST_CASE("the chunked family needs an even axis") {
  CHECK(error_of([] {
          glu(zeros({2, 3}));
        }) ==
        "glu: axis 1 of shape (2,3) has odd size 3; it must split into two equal halves (value "
        "and gate)");
  CHECK_ERROR_STARTS([] { swiglu(zeros({2, 4}), 2); }, "swiglu: axis 2 is out of range");
  CHECK(error_of([] { gated(zeros({2}), zeros({2}, float64), GateActivation::ReLU); }) ==
        "reglu: gate is float32 but value is float64");
}

TEST_CASE("activated_linear equals the activation then linear") {
  fast::Scope fast_floor;  // against the fast floor's gated and linear, whose loops it shares
  // (activation, gated): the GLU family, then the plain FFN's activations (as nn::FFN applies
  // them: relu, gelu, silu). The GLU family shares the fast gated op's loops (gate_kernels.hpp),
  // so the numbers must be equal. A plain activation's op is the readable floor's, with std::exp
  // and std::erfc where activated_linear has fast_math's: those agree to a few float ulp.
  const std::vector<std::pair<GateActivation, bool>> cases = {
      {GateActivation::Sigmoid, true}, {GateActivation::Identity, true},
      {GateActivation::ReLU, true},    {GateActivation::GELU, true},
      {GateActivation::Swish, true},   {GateActivation::ReLU, false},
      {GateActivation::GELU, false},   {GateActivation::Swish, false}};
  const auto plain = [](GateActivation act, const Tensor& x) {
    return act == GateActivation::ReLU ? relu(x) : act == GateActivation::GELU ? gelu(x) : silu(x);
  };
  Generator gen(11);
  const auto leaf = [&gen](const Shape& shape) {
    Tensor t = randn(shape, gen);  // float32, as in training
    t.requires_grad_();
    return t;
  };
  for (const auto& [act, is_gated] : cases)
    for (bool with_bias : {false, true}) {
      const std::string name = gate_activation_name(act);
      CAPTURE(name);
      CAPTURE(is_gated);
      CAPTURE(with_bias);
      const auto same = [is_gated = is_gated](const std::vector<double>& x,
                                              const std::vector<double>& y) {
        if (is_gated) return x == y;
        for (std::size_t i = 0; i < x.size(); ++i)
          if (std::abs(x[i] - y[i]) > 2e-6 * (1 + std::abs(y[i]))) return false;
        return x.size() == y.size();
      };
      const Tensor a = leaf({2, 3, 40}), b = is_gated ? leaf({2, 3, 40}) : Tensor(),
                   w = leaf({5, 40}), bias = with_bias ? leaf({5}) : Tensor();
      const Tensor fused = fast::activated_linear(a, b, w, bias, act);
      const Tensor separate = linear(is_gated ? gated(a, b, act) : plain(act, a), w, bias);
      REQUIRE(fused.shape() == Shape{2, 3, 5});
      CHECK(same(fused.to_vector(), separate.to_vector()));
      const Tensor seed = randn(fused.shape(), gen);
      std::vector<Tensor> leaves;
      for (const Tensor& t : {a, w, b, bias})
        if (t.defined()) leaves.push_back(t);
      (fused * seed).sum().backward();
      std::vector<std::vector<double>> grads;
      for (const Tensor& t : leaves) grads.push_back(t.grad().to_vector()), t.zero_grad();
      (separate * seed).sum().backward();
      for (std::size_t i = 0; i < leaves.size(); ++i)
        CHECK(same(leaves[i].grad().to_vector(), grads[i]));
    }
  for (const auto& [act, is_gated] : cases) {
    const std::string name = gate_activation_name(act);
    CAPTURE(name);
    check_gradients(
        [act = act, is_gated = is_gated](Inputs in) {
          return fast::activated_linear(in[0], is_gated ? in[3] : Tensor(), in[1], in[2], act);
        },
        {random_var({3, 6}, 12, 0.1), random_var({4, 6}, 13), random_var({4}, 14),
         random_var({3, 6}, 15)});
  }
  CHECK(error_of([] {
          fast::activated_linear(zeros({3, 6}), zeros({3, 5}), zeros({4, 6}), Tensor(),
                                 GateActivation::Swish);
        }) ==
        "activated_linear: needs a (..., h), b like a or none, weight (out, h), got a (3,6), "
        "b (3,5), weight (4,6)");
  CHECK(error_of([] {
          fast::activated_linear(zeros({3, 6}), Tensor(), zeros({4, 6}), zeros({3}),
                                 GateActivation::ReLU);
        }) == "activated_linear: bias has shape (3,) but weight (4,6) needs (4,)");
}
