// Each piece of the fast floor against its reference twin on the readable floor, on awkward
// sizes: the fast attention, the gated ops, the FFN's recomputing down projection and the
// vectorised activations. (The matmul kernel and the pools: test_fast_kernels.cpp.) Sums run in
// a different order on the two floors (double on the readable one), so the bound is rounding:
// 1e-12 relative in float64, 2e-5 in float32.
#include <functional>

#include "activations/glu.hpp"
#include "core/activation_math.hpp"
#include "core/fast/fast_math.hpp"
#include "helpers.hpp"
#include "layers/ffn.hpp"

using namespace tg;
using namespace tg::testing;

namespace {

// f's outputs and the gradients of sum(w * out) with respect to `inputs`, on one floor.
std::vector<std::vector<double>> run_on(bool fast_floor, const std::function<Tensor()>& f,
                                        const std::vector<Tensor>& inputs) {
  fast::Scope floor(fast_floor);
  for (const Tensor& t : inputs) t.zero_grad();
  const Tensor out = f();
  Generator gen(99);
  const Tensor w = randn(out.shape(), gen, out.dtype());
  (out * w).sum().backward();
  std::vector<std::vector<double>> results = {out.to_vector()};
  for (const Tensor& t : inputs) results.push_back(t.grad().to_vector());
  return results;
}

void check_floors_agree(const std::function<Tensor()>& f, const std::vector<Tensor>& inputs) {
  const auto readable = run_on(false, f, inputs), fast = run_on(true, f, inputs);
  const double tol = inputs[0].dtype() == float64 ? 1e-12 : 2e-5;
  for (std::size_t k = 0; k < readable.size(); ++k) {
    CAPTURE(k);  // 0: the output, then each input's gradient
    REQUIRE(readable[k].size() == fast[k].size());
    for (std::size_t i = 0; i < readable[k].size(); ++i) {
      INFO("element " << i << ": readable " << readable[k][i] << ", fast " << fast[k][i]);
      CHECK(std::abs(readable[k][i] - fast[k][i]) <= tol * (1 + std::abs(readable[k][i])));
    }
  }
}

Tensor leaf(const Shape& shape, std::uint64_t seed, DType dtype) {
  Generator gen(seed);
  return randn(shape, gen, dtype).requires_grad_();
}

}  // namespace

TEST_CASE("the fast attention equals the readable op on awkward sizes, both layouts") {
  for (DType dtype : {float64, float32})
    for (bool causal : {true, false})
      for (auto [T, S] : {std::pair<std::int64_t, std::int64_t>{1, 1},
                          {5, 5},
                          {37, 37},
                          {70, 70},
                          {5, 9},
                          {33, 40}}) {
        CAPTURE(dtype_name(dtype));
        CAPTURE(causal);
        CAPTURE(T);
        CAPTURE(S);
        const Tensor q = leaf({2, T, 6}, 1, dtype), k = leaf({2, S, 6}, 2, dtype),
                     v = leaf({2, S, 10}, 3, dtype);
        // the _heads layout: 2 heads of d = 3, e = 5
        check_floors_agree([&] { return scaled_dot_product_attention_heads(q, k, v, 2, causal); },
                           {q, k, v});
        // the plain layout: (2, 3, T, d) problems
        const Tensor q4 = leaf({2, 3, T, 7}, 4, dtype), k4 = leaf({2, 3, S, 7}, 5, dtype),
                     v4 = leaf({2, 3, S, 3}, 6, dtype);
        check_floors_agree([&] { return scaled_dot_product_attention(q4, k4, v4, causal); },
                           {q4, k4, v4});
      }
}

TEST_CASE("the fast gated ops equal the readable ones: flat, broadcast, halves") {
  for (DType dtype : {float64, float32})
    for (GateActivation act : {GateActivation::Sigmoid, GateActivation::Identity,
                               GateActivation::ReLU, GateActivation::GELU, GateActivation::Swish}) {
      CAPTURE(dtype_name(dtype));
      CAPTURE(gate_activation_name(act));
      const Tensor a = leaf({3, 37}, 7, dtype), b = leaf({3, 37}, 8, dtype);
      check_floors_agree([&] { return gated(a, b, act); }, {a, b});
      const Tensor big_a = leaf({40000}, 9, dtype), big_b = leaf({40000}, 10, dtype);  // threads
      check_floors_agree([&] { return gated(big_a, big_b, act); }, {big_a, big_b});
      const Tensor g = leaf({5, 1, 7}, 11, dtype), v = leaf({3, 7}, 12, dtype);  // broadcast
      check_floors_agree([&] { return gated(g, v, act); }, {g, v});
      const Tensor x = leaf({3, 4, 10}, 13, dtype);
      for (std::int64_t axis : {0, 1, 2})
        for (HalfOrder order : {HalfOrder::ValueFirst, HalfOrder::GateFirst}) {
          if (x.size(axis) % 2) continue;
          check_floors_agree([&] { return gated_halves(x, act, axis, order); }, {x});
        }
    }
}

TEST_CASE("the fast gated_slope equals the readable one (act' and act'' by the fast formulas)") {
  for (DType dtype : {float64, float32})
    for (GateActivation act : {GateActivation::Sigmoid, GateActivation::Identity,
                               GateActivation::ReLU, GateActivation::GELU, GateActivation::Swish}) {
      CAPTURE(dtype_name(dtype));
      CAPTURE(gate_activation_name(act));
      const Tensor a = leaf({3, 37}, 14, dtype), b = leaf({3, 37}, 15, dtype);
      check_floors_agree([&] { return gated_slope(a, b, act); }, {a, b});
      const Tensor big_a = leaf({40000}, 16, dtype), big_b = leaf({40000}, 17, dtype);  // threads
      check_floors_agree([&] { return gated_slope(big_a, big_b, act); }, {big_a, big_b});
    }
}

TEST_CASE("the FFN's recomputing down projection equals the readable one, every kind") {
  for (DType dtype : {float64, float32})
    for (nn::FFNKind kind :
         {nn::FFNKind::ReLU, nn::FFNKind::GELU, nn::FFNKind::Swish, nn::FFNKind::GLU,
          nn::FFNKind::Bilinear, nn::FFNKind::ReGLU, nn::FFNKind::GEGLU, nn::FFNKind::SwiGLU})
      for (bool bias : {false, true}) {
        CAPTURE(dtype_name(dtype));
        CAPTURE(nn::ffn_kind_name(kind));
        CAPTURE(bias);
        nn::FFNOptions o;
        o.d_model = 12;
        o.hidden = 20;
        o.kind = kind;
        o.bias = bias;
        o.dtype = dtype;
        o.memory = nn::FFNMemory::Recompute;
        Generator gen(14);
        nn::FFN ffn(o, gen);
        const Tensor x = leaf({2, 7, 12}, 15, dtype);
        check_floors_agree([&] { return ffn(x); }, params_and(ffn, {x}));
      }
}

TEST_CASE("the fast activations equal activation_math.hpp's within a few ulp") {
  // fast_math's exp and normal CDF are approximations (within 2 ulp and 1.2e-7); the formulas
  // built on them stay within a few float ulp of the std:: ones, in value and slope (measured
  // against 1 + |value|: the slopes cross 0, where a relative error means nothing).
  double worst = 0;
  for (float x = -30.0f; x <= 30.0f; x += 0.0123f) {
    const float pairs[][2] = {{fast_math::sigmoid(x), math::sigmoid(x)},
                              {fast_math::gelu(x), math::gelu(x)},
                              {fast_math::gelu_grad(x), math::gelu_grad(x)},
                              {fast_math::silu(x), math::swish(x, 1.0f)},
                              {fast_math::silu_grad(x), math::swish_grad_x(x, 1.0f)}};
    for (const auto& p : pairs)
      worst = std::max(worst, std::abs(static_cast<double>(p[0]) - p[1]) /
                                  (1 + std::abs(static_cast<double>(p[1]))));
  }
  MESSAGE("largest relative difference: " << worst);
  CHECK(worst < 1e-6);
}
