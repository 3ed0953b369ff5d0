// Derivatives of derivatives through the ops whose first-order backward is a hand-written loop
// (norms, attention, cross-entropy, the gated ops, swish with its beta, max, index_select,
// gather, checkpoint) and through every layer a toy transformer is made of: gradgradcheck
// compares the double backward with central differences of the gradient in float64. Run on both
// floors (ctest -L fast): on the fast floor the fused ops hand over to their composite forms.
#include "activations/activations.hpp"
#include "activations/glu.hpp"
#include "core/checkpoint.hpp"
#include "helpers.hpp"
#include "layers/layers.hpp"
#include "layers/moe.hpp"
#include "layers/transformer.hpp"

using namespace tg;
using namespace tg::testing;
using Inputs = const std::vector<Tensor>&;

namespace {
template <class M>
std::vector<Tensor> with(const M& module, std::vector<Tensor> extra) {
  return params_and(module, std::move(extra));
}
}  // namespace

TEST_CASE("gradgradcheck: rms_norm, layer_norm and cross_entropy with ignored rows") {
  check_second_order([](Inputs in) { return rms_norm(in[0], in[1], 1e-5); },
                     {random_var({3, 4}, 1), random_var({4}, 2)});
  check_second_order([](Inputs in) { return nn::layer_norm(in[0], in[1], in[2], 1e-5); },
                     {random_var({3, 4}, 3), random_var({4}, 4), random_var({4}, 5)});
  check_second_order([](Inputs in) { return cross_entropy(in[0], {2, -100, 0, 1}); },
                     {random_var({4, 3}, 6)});
}

TEST_CASE("gradgradcheck: attention, causal or not, plain and with heads side by side") {
  for (bool causal : {true, false}) {
    CAPTURE(causal);
    check_second_order(
        [causal](Inputs in) { return scaled_dot_product_attention(in[0], in[1], in[2], causal); },
        {random_var({2, 3, 4}, 7), random_var({2, 3, 4}, 8), random_var({2, 3, 2}, 9)});
    check_second_order(
        [causal](Inputs in) {
          return scaled_dot_product_attention_heads(in[0], in[1], in[2], 2, causal);
        },
        {random_var({1, 3, 4}, 10), random_var({1, 3, 4}, 11), random_var({1, 3, 6}, 12)});
  }
}

TEST_CASE("gradgradcheck: the GLU family, both layouts, and swish with a learnable beta") {
  for (GateActivation act : {GateActivation::Sigmoid, GateActivation::Identity,
                             GateActivation::ReLU, GateActivation::GELU, GateActivation::Swish}) {
    CAPTURE(gate_activation_name(act));
    check_second_order([act](Inputs in) { return gated(in[0], in[1], act); },
                       {random_var({2, 3}, 13), random_var({2, 3}, 14)});
    check_second_order([act](Inputs in) { return gated(in[0], in[1], act); },  // broadcast
                       {random_var({2, 3}, 15), random_var({3}, 16)});
    for (HalfOrder order : {HalfOrder::ValueFirst, HalfOrder::GateFirst})
      check_second_order([act, order](Inputs in) { return gated_halves(in[0], act, -1, order); },
                         {random_var({2, 6}, 17)});
  }
  check_second_order([](Inputs in) { return swish(in[0], in[1]); },
                     {random_var({2, 3}, 18), random_var({3}, 19)});
}

TEST_CASE("gated_slope: act'(gate) * value, its gradient, and the errors naming it") {
  for (GateActivation act : {GateActivation::Sigmoid, GateActivation::Identity,
                             GateActivation::ReLU, GateActivation::GELU, GateActivation::Swish}) {
    CAPTURE(gate_activation_name(act));
    const Tensor a = var({-2.5, -0.4, 0.3, 1.7, 4.0, -30.0}, {2, 3});
    const Tensor b = var({0.5, -1.0, 2.0, 0.25, -3.0, 1.5}, {2, 3});
    // The values: act' by the tape (gated's gradient by its gate, with value 1) times value.
    const Tensor ones = tensor({1, 1, 1, 1, 1, 1}, {2, 3}, float64);
    const Tensor slope = grad({sum(gated(a, ones, act))}, {a})[0];
    check_values(gated_slope(a, b, act), (slope * b).to_vector(), 1e-12);
    check_gradients([act](Inputs in) { return gated_slope(in[0], in[1], act); },
                    {random_var({2, 3}, 40), random_var({2, 3}, 41)});
    // A third derivative of act is not recorded: create_graph through gated_slope says so.
    const Tensor y = sum(gated_slope(a, b, act));
    CHECK_ERROR([&] { grad({y}, {a}, {}, /*create_graph=*/true); }, "gated_slope: create_graph");
  }
  const Tensor a = var({0.1, 0.2}, {2}), b = var({0.3}, {1});
  CHECK_ERROR([&] { gated_slope(a, b, GateActivation::Swish); }, "gated_slope",
              "one shape and dtype", "(2,)", "(1,)");
}

TEST_CASE("a third derivative through the bilinear gate: its derivative is a product, to any order") {
  // y = sum((a b)^2): dy/da = 2 a b^2, d/da of that summed = 2 b^2, d/db of that summed = 4 b.
  const Tensor a = var({0.5, -1.5, 2.0}, {3}), b = var({1.5, 0.25, -2.0}, {3});
  const Tensor h = gated(a, b, GateActivation::Identity);
  const Tensor d1 = grad({sum(h * h)}, {a}, {}, /*create_graph=*/true)[0];
  check_values(d1, {2 * 0.5 * 2.25, 2 * -1.5 * 0.0625, 2 * 2.0 * 4.0}, 1e-12);
  const Tensor d2 = grad({sum(d1)}, {a}, {}, /*create_graph=*/true)[0];
  check_values(d2, {2 * 2.25, 2 * 0.0625, 2 * 4.0}, 1e-12);
  const Tensor d3 = grad({sum(d2)}, {b})[0];
  check_values(d3, {4 * 1.5, 4 * 0.25, 4 * -2.0}, 1e-12);
}

TEST_CASE("gradgradcheck: max, index_select, gather and checkpoint") {
  check_second_order([](Inputs in) { return max(in[0]) * max(in[0], 1); },
                     {var({0.1, 0.9, -0.5, 0.4, 0.2, -0.3}, {2, 3})});
  check_second_order([](Inputs in) { return index_select(in[0] * in[0], 0, {2, 0, 2}); },
                     {random_var({3, 2}, 20)});
  check_second_order([](Inputs in) { return gather(exp(in[0]), 1, {0, 2, 1, 1}, {2, 2}); },
                     {random_var({2, 3}, 21)});
  const Tensor w = random_var({3, 3}, 22);
  check_second_order(
      [w](Inputs in) {
        return checkpoint([w](Inputs x) { return tanh(matmul(x[0], w)) * x[0]; }, {in[0]}, {w});
      },
      {random_var({2, 3}, 23)});
}

TEST_CASE("gradgradcheck: slice, split, transpose, clamp, abs, maximum, masked_fill, index_add") {
  // Products with the input itself, so that each op's second derivative is not zero by itself.
  check_second_order(
      [](Inputs in) {
        const std::vector<Tensor> parts = split(in[0] * in[0], {1, 2}, 1);
        return concat({transpose(parts[1], 0, 1), slice(in[0], 1, 0, 1).reshape({1, 2}) * 2.0}, 0);
      },
      {random_var({2, 3}, 33)});
  check_second_order(
      [](Inputs in) {
        return clamp(in[0], -0.5, 0.5) * abs(in[0]) + maximum(in[0], in[1]) * minimum(in[0], in[1]);
      },
      {var({-0.9, -0.2, 0.3, 0.8}, {4}), var({0.1, -0.6, 0.4, 0.2}, {4})});
  check_second_order(
      [](Inputs in) {
        const Tensor mask = tensor({1, 0, 0, 1}, {4}, float64);
        return masked_fill(in[0] * in[0], mask, 3.0) +
               index_add(in[0], 0, {3, 3, 0}, in[1] * in[1]) + (in[0] * in[0]).clone();
      },
      {random_var({4}, 34), random_var({3}, 35)});
}

TEST_CASE("gradgradcheck: embedding and RoPE") {
  Generator gen(24);
  nn::Embedding emb(5, 3, gen, float64);
  check_second_order_params([&] { return tanh(emb.forward({1, 4, 1}, {3})); }, emb.parameters());
  const nn::RopeTables t = nn::rope_tables(6, 4, 10000.0, float64);
  check_second_order([&t](Inputs in) { return nn::apply_rope(in[0] * in[0], t); },
                     {random_var({2, 3, 4}, 25)});
}

TEST_CASE("gradgradcheck: every FFN variant, each memory choice") {
  for (nn::FFNKind kind : {nn::FFNKind::ReLU, nn::FFNKind::GELU, nn::FFNKind::Swish,
                           nn::FFNKind::GLU, nn::FFNKind::Bilinear, nn::FFNKind::ReGLU,
                           nn::FFNKind::GEGLU, nn::FFNKind::SwiGLU})
    for (nn::FFNMemory memory :
         {nn::FFNMemory::Keep, nn::FFNMemory::Recompute, nn::FFNMemory::Checkpoint}) {
      CAPTURE(nn::ffn_kind_name(kind));
      CAPTURE(static_cast<int>(memory));
      nn::FFNOptions o;
      o.d_model = 3, o.kind = kind, o.hidden = 4, o.dtype = float64, o.bias = true;
      o.memory = memory;
      Generator gen(26);
      nn::FFN ffn(o, gen);
      const Tensor x = random_var({2, 3}, 27);
      check_second_order_params([&] { return ffn(x); }, with(ffn, {x}));
    }
}

TEST_CASE("gradgradcheck: attention layer with RoPE, MoE, and a whole small transformer") {
  nn::AttentionOptions o;
  o.d_model = 4, o.heads = 2, o.max_seq = 3, o.rope = true, o.dtype = float64;
  Generator gen(28);
  nn::CausalSelfAttention attn(o, gen);
  const Tensor x = random_var({1, 3, 4}, 29);
  check_second_order_params([&] { return attn.forward(x); }, with(attn, {x}));

  nn::MoEOptions m;
  m.d_model = 3, m.hidden = 4, m.experts = 3, m.experts_per_token = 2, m.dtype = float64;
  Generator g2(30);
  nn::MoE moe(m, g2);
  const Tensor y = random_var({1, 2, 3}, 31);
  check_second_order_params([&] { return moe.forward(y).out; }, with(moe, {y}));

  nn::ModelConfig c;
  c.vocab_size = 5, c.hidden_size = 4, c.num_hidden_layers = 1, c.num_attention_heads = 2;
  c.max_position_embeddings = 3, c.intermediate_size = 4, c.initializer_range = 0.5;
  c.rope = true, c.dtype = float64;
  Generator g3(32);
  nn::Transformer model(c, g3);
  const std::vector<std::int64_t> ids = {1, 4, 2, 0, 3, 3}, targets = {4, 2, 0, 3, -100, 1};
  check_second_order_params(
      [&] { return cross_entropy(model.forward(ids, 2, 3).reshape({6, 5}), targets); },
      model.parameters());
}
