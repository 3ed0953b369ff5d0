// Embedding, the norms, RoPE, attention, the block and a whole 2-layer model: values, shapes and
// float64 gradient checks.
#include <cmath>

#include "helpers.hpp"
#include "layers/layers.hpp"
#include "layers/transformer.hpp"

using namespace tg;
using namespace tg::testing;

namespace {
nn::ModelConfig tiny_config() {
  nn::ModelConfig c;
  c.vocab_size = 7;
  c.hidden_size = 8;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 2;
  c.max_position_embeddings = 5;
  c.intermediate_size = 12;
  c.initializer_range =
      0.5;  // larger than training's 0.02, so every path carries a visible gradient
  c.dtype = float64;
  return c;
}
}  // namespace

TEST_CASE("embedding looks rows up, repeated ids accumulate gradient") {
  Generator gen(1);
  nn::Embedding emb(5, 3, gen, float64);
  const Tensor out = emb.forward({4, 0, 4}, {3});
  CHECK(out.shape() == Shape{3, 3});
  check_values(slice(out, 0, 0, 1), slice(emb.weight, 0, 4, 5).to_vector());
  out.sum().backward();
  check_values(slice(emb.weight.grad(), 0, 4, 5), {2, 2, 2});  // id 4 used twice
  check_values(slice(emb.weight.grad(), 0, 1, 2), {0, 0, 0});
  check_param_gradients(
      [&] {
        return emb.forward({1, 3, 3, 0}, {2, 2}) * emb.forward({2, 2, 1, 4}, {2, 2});
      },
      emb.parameters());
  CHECK_ERROR_STARTS([&] { emb.forward({5}, {1}); }, "index_select: index 5");
}

TEST_CASE("RMSNorm and LayerNorm: values and gradients") {
  nn::RMSNorm rms(4, 1e-5, float64);
  nn::LayerNorm ln(4, 1e-5, true, float64);
  const Tensor x = var({1, 2, 3, 4, -1, 0, 1, 2}, {2, 4});
  // RMS of (1,2,3,4) is sqrt(7.5): each element divided by it.
  const double r = std::sqrt(7.5 + 1e-5);
  check_values(slice(rms.forward(x), 0, 0, 1), {1 / r, 2 / r, 3 / r, 4 / r}, 1e-12);
  // LayerNorm of (1,2,3,4): mean 2.5, variance 1.25.
  const double s = std::sqrt(1.25 + 1e-5);
  check_values(slice(ln.forward(x), 0, 0, 1), {-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s}, 1e-12);
  Generator gen(2);
  add_(rms.weight, randn({4}, gen, float64));
  add_(ln.weight, randn({4}, gen, float64));
  add_(ln.bias, randn({4}, gen, float64));
  const Tensor y = random_var({3, 4}, 131);
  check_param_gradients([&] { return rms.forward(y); }, params_and(rms, {y}));
  check_param_gradients([&] { return ln.forward(y); }, params_and(ln, {y}));
  CHECK(error_of([&] {
          rms.forward(zeros({2, 3}, float64));
        }) == "RMSNorm: expects x (..., d) and weight (d,), got x (2,3) and weight (4,)");
}

TEST_CASE("the fused rms_norm equals the composite formula, values and gradients") {
  Generator gen(9);
  const Tensor w = random_var({6}, 17);
  for (const Tensor& x : {random_var({2, 3, 6}, 5), random_var({1, 6}, 6, 3.0)}) {
    const Tensor fused = rms_norm(x, w, 1e-5);
    const Tensor composite = x / sqrt(mean(x * x, -1, true) + 1e-5) * w;
    check_values(fused, composite.to_vector(), 1e-13);
    const Tensor seed = randn(x.shape(), gen, float64);
    (fused * seed).sum().backward();
    const std::vector<double> gx = x.grad().to_vector(), gw = w.grad().to_vector();
    x.zero_grad(), w.zero_grad();
    (composite * seed).sum().backward();
    check_values(x.grad(), gx, 1e-12);
    check_values(w.grad(), gw, 1e-12);
    w.zero_grad();
  }
}

TEST_CASE("RoPE rotates pairs: norms kept, scores depend on the offset only, gradients") {
  const nn::RopeTables t = nn::rope_tables(6, 4, 10000.0, float64);
  // Position 0 is the identity.
  const Tensor v = var({0.3, -1.2, 0.7, 2.0}, {1, 4});
  check_values(nn::apply_rope(v, t), v.to_vector(), 1e-15);
  // Rotation keeps the length of every (x_i, x_{i+hd/2}) pair.
  const Tensor q = random_var({6, 4}, 132), k = random_var({6, 4}, 133);
  const Tensor rq = nn::apply_rope(q, t);
  CHECK(sum(rq * rq).item() == doctest::Approx(sum(q * q).item()).epsilon(1e-12));
  // The same vectors at positions (1, 3) and (2, 4) give the same score: only 3 - 1 = 4 - 2
  // matters.
  Tensor same_q = zeros({6, 4}, float64), same_k = zeros({6, 4}, float64);
  for (std::int64_t i = 0; i < 6; ++i)
    for (std::int64_t j = 0; j < 4; ++j)
      same_q.set({i, j}, q.at({0, j})), same_k.set({i, j}, k.at({0, j}));
  const Tensor a = nn::apply_rope(same_q, t), b = nn::apply_rope(same_k, t);
  const double s13 = sum(slice(a, 0, 1, 2) * slice(b, 0, 3, 4)).item();
  const double s24 = sum(slice(a, 0, 2, 3) * slice(b, 0, 4, 5)).item();
  CHECK(s13 == doctest::Approx(s24).epsilon(1e-12));
  check_gradients([&t](const std::vector<Tensor>& in) { return nn::apply_rope(in[0], t); },
                  {random_var({2, 3, 6, 4}, 134)});
  CHECK(error_of([] { nn::rope_tables(4, 3); }) ==
        "rope: head size must be even and positive, got 3");
}

TEST_CASE("RoPE on (B, T, H, hd) with positions on axis 1 equals RoPE on (B, H, T, hd)") {
  const nn::RopeTables t = nn::rope_tables(6, 4, 10000.0, float64);
  const Tensor x = random_var({2, 5, 3, 4}, 135);                          // (B, T, H, hd)
  const Tensor heads_first = nn::apply_rope(permute(x, {0, 2, 1, 3}), t);  // (B, H, T, hd)
  CHECK(nn::apply_rope(x, t, 1).to_vector() == permute(heads_first, {0, 2, 1, 3}).to_vector());
  check_gradients([&t](const std::vector<Tensor>& in) { return nn::apply_rope(in[0], t, 1); },
                  {random_var({2, 3, 2, 4}, 136)});
  CHECK(error_of([&] { nn::apply_rope(x, t, 3); }) ==
        "rope: input (2,5,3,4) with positions on axis 3 does not fit tables for 6 positions of "
        "size 4");
}

TEST_CASE("attention is causal: changing a later token never changes an earlier output") {
  nn::AttentionOptions o;
  o.d_model = 8;
  o.heads = 2;
  o.max_seq = 5;
  o.dtype = float64;
  Generator gen(3);
  nn::CausalSelfAttention attn(o, gen);
  Tensor x = random_var({1, 5, 8}, 135);
  const Tensor before = attn.forward(x).detach().clone();
  x.set({0, 4, 0}, 100.0);  // change the last token
  const Tensor after = attn.forward(x);
  check_values(slice(after, 1, 0, 4), slice(before, 1, 0, 4).to_vector(), 1e-12);
  CHECK(std::abs(after.at({0, 4, 0}) - before.at({0, 4, 0})) > 1e-6);
  current_tape().clear();
}

TEST_CASE("gradcheck: attention with RoPE and without, with and without bias") {
  for (bool rope : {true, false})
    for (bool bias : {false, true}) {
      CAPTURE(rope);
      CAPTURE(bias);
      nn::AttentionOptions o;
      o.d_model = 8;
      o.heads = 2;
      o.max_seq = 4;
      o.rope = rope;
      o.bias = bias;
      o.dtype = float64;
      Generator gen(4);
      nn::CausalSelfAttention attn(o, gen);
      const Tensor x = random_var({2, 4, 8}, 136);
      check_param_gradients([&] { return attn.forward(x); }, params_and(attn, {x}));
    }
}

TEST_CASE("gradcheck: a transformer block, and a whole 2-layer model end to end") {
  nn::ModelConfig c = tiny_config();
  Generator gen(5);
  nn::TransformerBlock block(c, gen);
  const Tensor x = random_var({2, 5, 8}, 137);
  check_param_gradients([&] { return block.forward(x); }, params_and(block, {x}));

  for (bool rope : {true, false}) {
    CAPTURE(rope);
    c.rope = rope;
    c.rms_norm = rope;  // the Llama shape, and the GPT-2 one (learned positions, LayerNorm)
    c.tie_word_embeddings = !rope;
    Generator g2(6);
    nn::Transformer model(c, g2);
    const std::vector<std::int64_t> ids = {1, 6, 2, 0, 3, 3, 5, 4, 1, 2};
    const std::vector<std::int64_t> targets = {6, 2, 0, 3, -100, 5, 4, 1, 2, 0};
    check_param_gradients(
        [&] {
          return cross_entropy(model.forward(ids, 2, 5).reshape({10, 7}), targets);
        },
        model.parameters());
  }
}

TEST_CASE("the model's parameter names follow Hugging Face Llama") {
  nn::ModelConfig c = tiny_config();
  c.num_hidden_layers = 1;
  Generator gen(7);
  nn::Transformer model(c, gen);
  std::vector<std::string> names;
  for (const auto& [name, p] : model.named_parameters()) names.push_back(name);
  CHECK(names ==
        std::vector<std::string>{
            "model.embed_tokens.weight", "model.layers.0.input_layernorm.weight",
            "model.layers.0.self_attn.q_proj.weight", "model.layers.0.self_attn.k_proj.weight",
            "model.layers.0.self_attn.v_proj.weight", "model.layers.0.self_attn.o_proj.weight",
            "model.layers.0.post_attention_layernorm.weight", "model.layers.0.mlp.gate_proj.weight",
            "model.layers.0.mlp.up_proj.weight", "model.layers.0.mlp.down_proj.weight",
            "model.norm.weight", "lm_head.weight"});
  CHECK(c.llama_shaped());
  CHECK(model.model->embed_tokens->weight.shape() == Shape{7, 8});
  CHECK(model.model->blocks[0]->self_attn->q_proj->weight.shape() == Shape{8, 8});  // (out, in)
}

TEST_CASE("the model rejects bad token ids and lengths") {
  nn::ModelConfig c = tiny_config();
  Generator gen(8);
  nn::Transformer model(c, gen);
  CHECK(error_of([&] {
          model.forward({1, 2, 9}, 1, 3);
        }) == "Transformer: token id 9 at position 2 is outside the vocabulary 0..6");
  CHECK(error_of([&] { model.forward(std::vector<std::int64_t>(6, 0), 1, 6); }) ==
        "Transformer: sequence length 6 exceeds max_position_embeddings 5");
  CHECK(error_of([&] {
          model.forward({1, 2}, 1, 3);
        }) == "Transformer: 2 ids do not make a (1, 3) batch");
}
