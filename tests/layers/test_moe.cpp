// Tests of layers/moe.hpp: the mixture of SwiGLU experts, its balancing and z losses, and the
// index_add op it combines with.
#include <cmath>

#include "helpers.hpp"
#include "layers/ffn.hpp"
#include "layers/moe.hpp"
#include "layers/transformer.hpp"

using namespace tg;
using namespace tg::testing;
using Inputs = const std::vector<Tensor>&;

namespace {
nn::MoEOptions small_moe(std::int64_t experts, std::int64_t k) {
  nn::MoEOptions o;
  o.d_model = 4, o.hidden = 6, o.experts = experts, o.experts_per_token = k, o.dtype = float64;
  return o;
}

// The smallest gap, over tokens, between the k-th and the (k+1)-th router probability: a
// finite-difference step far below it cannot change any token's choice.
double choice_margin(const nn::MoE& moe, const Tensor& x) {
  NoGradGuard no_grad;
  const std::int64_t E = moe.options().experts, k = moe.options().experts_per_token;
  const Tensor probs = softmax(moe.gate->forward(x.reshape({-1, moe.options().d_model})), 1);
  const std::vector<std::int64_t> order = nn::top_k_indices(probs, E);
  double margin = 1;
  for (std::int64_t n = 0; n < probs.size(0); ++n)
    if (k < E)
      margin =
          std::min(margin, probs.at({n, order[n * E + k - 1]}) - probs.at({n, order[n * E + k]}));
  return margin;
}
}  // namespace

TEST_CASE("index_add adds source rows into the picked rows, repeats adding up") {
  Tensor x = var({1, 2, 3, 4, 5, 6}, {3, 2});
  Tensor s = var({10, 20, 30, 40, 50, 60}, {3, 2});
  const Tensor out = index_add(x, 0, {2, 0, 2}, s);
  check_values(out, {31, 42, 3, 4, 65, 86}, 0);
  check_gradients(
      [](Inputs in) {
        return index_add(in[0], 0, {2, 0, 2}, in[1]);
      },
      {random_var({3, 2}, 1), random_var({3, 2}, 2)});
  check_gradients(
      [](Inputs in) {
        return index_add(in[0], 1, {1, 1}, in[1]);
      },
      {random_var({2, 3}, 3), random_var({2, 2}, 4)});
  CHECK_ERROR([&] { index_add(x, 0, {3}, random_var({1, 2}, 5)); }, "index_add");
  CHECK_ERROR([&] { index_add(x, 0, {0}, random_var({1, 3}, 5)); }, "(1,3)");
}

TEST_CASE("top_k_indices: the largest first, ties to the lower index") {
  const Tensor p = tensor({0.1, 0.4, 0.4, 0.1, 0.7, 0.2, 0.05, 0.05}, {2, 4}, float64);
  CHECK(nn::top_k_indices(p, 2) == std::vector<std::int64_t>{1, 2, 0, 1});
  CHECK(nn::top_k_indices(p, 1) == std::vector<std::int64_t>{1, 0});
}

TEST_CASE("MoE gradients: output, balancing loss and z-loss, away from ties in the choice") {
  for (const auto& [E, k] : {std::pair<std::int64_t, std::int64_t>{4, 2}, {3, 1}, {3, 3}}) {
    CAPTURE(E);
    CAPTURE(k);
    Generator gen(40 + static_cast<std::uint64_t>(E * 10 + k));
    nn::MoE moe(small_moe(E, k), gen);
    const Tensor x = random_var({2, 3, 4}, 50);
    REQUIRE(choice_margin(moe, x) > 1e-4);  // the step of 1e-6 changes no choice
    check_param_gradients([&] { return moe.forward(x).out; }, params_and(moe, {x}));
    check_param_gradients([&] { return moe.balance_loss(moe.forward(x)); }, params_and(moe, {x}));
    check_param_gradients([&] { return moe.z_loss(moe.forward(x)); }, params_and(moe, {x}));
  }
}

TEST_CASE("MoE balancing loss: E * sum_i f_i P_i, and k when routing is uniform") {
  Generator gen(3);
  nn::MoE moe(small_moe(4, 2), gen);
  const Tensor x = random_var({5, 4}, 60);
  const nn::MoEOutput r = moe.forward(x);
  // By hand from the router's probabilities and the choices.
  const Tensor probs = softmax(moe.gate->forward(x.detach()), 1);
  std::vector<double> f(4, 0.0), P(4, 0.0);
  for (std::int64_t c : r.chosen) f[static_cast<std::size_t>(c)] += 1.0 / 5;
  for (std::int64_t n = 0; n < 5; ++n)
    for (std::int64_t i = 0; i < 4; ++i) P[static_cast<std::size_t>(i)] += probs.at({n, i}) / 5;
  double expected = 0;
  for (std::size_t i = 0; i < 4; ++i) expected += 4 * f[i] * P[i];
  CHECK(moe.balance_loss(r).item() == doctest::Approx(expected).epsilon(1e-12));
  double shares = 0;
  for (double s : r.load) shares += s;
  CHECK(shares == doctest::Approx(2.0));  // sum_i f_i = k
  // A router with zero weights: every probability 1/E, so the loss is E * sum_i f_i / E = k.
  {
    NoGradGuard no_grad;
    moe.gate->weight.fill_(0.0);
  }
  CHECK(moe.balance_loss(moe.forward(x)).item() == doctest::Approx(2.0).epsilon(1e-12));
  // And the z-loss of zero logits is log(E)^2.
  CHECK(moe.z_loss(moe.forward(x)).item() == doctest::Approx(std::log(4.0) * std::log(4.0)));
}

TEST_CASE("MoE with one expert and k = 1 is that SwiGLU FFN, bit for bit") {
  for (DType dtype : {float32, float64}) {
    Generator gen(5);
    nn::MoEOptions o = small_moe(1, 1);
    o.dtype = dtype;
    nn::MoE moe(o, gen);
    nn::FFNOptions f;
    f.d_model = 4, f.hidden = 6, f.kind = nn::FFNKind::SwiGLU, f.bias = false, f.dtype = dtype;
    nn::FFN ffn(f, gen);
    {
      NoGradGuard no_grad;  // Llama's w1 = gate_proj, w3 = up_proj, w2 = down_proj
      for (auto [to, from] : {std::pair{ffn.gate_proj, moe.experts[0]->w1},
                              std::pair{ffn.up_proj, moe.experts[0]->w3},
                              std::pair{ffn.down_proj, moe.experts[0]->w2}}) {
        to->weight.fill_(0.0);
        add_(to->weight, from->weight);  // 0 + w: an exact copy
      }
    }
    const Tensor x = random_var({2, 3, 4}, 70).detach().to(dtype);
    CHECK(moe.forward(x).out.to_vector() == ffn(x).to_vector());
  }
}

TEST_CASE("MoE whose router sends every token to one expert gives that expert's output") {
  Generator gen(6);
  nn::MoE moe(small_moe(3, 1), gen);
  // Zero router weights: every probability is 1/3, and the tie goes to expert 0 with weight 1.
  {
    NoGradGuard no_grad;
    moe.gate->weight.fill_(0.0);
  }
  const Tensor x = random_var({5, 4}, 80);
  const nn::MoEOutput r = moe.forward(x);
  CHECK(r.out.to_vector() == moe.experts[0]->forward(x).to_vector());
  CHECK(r.load == std::vector<double>{1.0, 0.0, 0.0});
}

TEST_CASE("MoE refuses a bad number of experts or experts per token, naming the value") {
  Generator gen(7);
  auto message = [&](std::int64_t E, std::int64_t k) {
    return thrown_by([&] { nn::MoE(small_moe(E, k), gen); });
  };
  CHECK_ERROR(message(0, 1), "number of experts must be at least 1, got 0");
  CHECK_ERROR(message(4, 0), "experts per token must be in 1..4");
  CHECK_ERROR(message(4, 5), "got 5");
  nn::MoE moe(small_moe(2, 1), gen);
  CHECK_ERROR([&] { moe.forward(random_var({2, 5}, 1)); }, "(2,5)");
  // A NaN in the input: the router cannot choose; the error names the token.
  Tensor x = random_var({3, 4}, 2).detach();
  x.data<double>()[4 + 1] = std::nan("");
  CHECK_ERROR([&] { moe.forward(x); }, "for token 1 is nan");
}

TEST_CASE(
    "a transformer with experts: Mixtral's parameter names, and its losses summed over layers") {
  nn::ModelConfig c;
  c.vocab_size = 7, c.hidden_size = 8, c.num_hidden_layers = 2, c.num_attention_heads = 2,
  c.max_position_embeddings = 4, c.intermediate_size = 6;
  c.num_local_experts = 3, c.num_experts_per_tok = 2, c.dtype = float64;
  Generator gen(9);
  nn::Transformer model(c, gen);
  std::vector<std::string> names;
  for (const auto& [name, p] : model.named_parameters())
    if (name.find("layers.1.") != std::string::npos && name.find("self_attn") == std::string::npos)
      names.push_back(name);
  CHECK(names == std::vector<std::string>{"model.layers.1.input_layernorm.weight",
                                          "model.layers.1.post_attention_layernorm.weight",
                                          "model.layers.1.block_sparse_moe.gate.weight",
                                          "model.layers.1.block_sparse_moe.experts.0.w1.weight",
                                          "model.layers.1.block_sparse_moe.experts.0.w2.weight",
                                          "model.layers.1.block_sparse_moe.experts.0.w3.weight",
                                          "model.layers.1.block_sparse_moe.experts.1.w1.weight",
                                          "model.layers.1.block_sparse_moe.experts.1.w2.weight",
                                          "model.layers.1.block_sparse_moe.experts.1.w3.weight",
                                          "model.layers.1.block_sparse_moe.experts.2.w1.weight",
                                          "model.layers.1.block_sparse_moe.experts.2.w2.weight",
                                          "model.layers.1.block_sparse_moe.experts.2.w3.weight"});
  CHECK(!model.balance_loss().defined());  // nothing routed yet
  model.forward({1, 2, 3, 4, 5, 6, 0, 1}, 2, 4);
  const auto& blocks = model.model->blocks;
  const double sum = blocks[0]->block_sparse_moe->balance_loss(blocks[0]->routing()).item() +
                     blocks[1]->block_sparse_moe->balance_loss(blocks[1]->routing()).item();
  CHECK(model.balance_loss().item() == doctest::Approx(sum).epsilon(1e-14));
  CHECK(model.z_loss().defined());
  c.num_local_experts = 0;  // a dense model has neither
  nn::Transformer dense(c, gen);
  dense.forward({1, 2, 3, 4}, 1, 4);
  CHECK(!dense.balance_loss().defined());
}

TEST_CASE("a training step with experts leaves nothing on the tape") {
  nn::ModelConfig c;
  c.vocab_size = 7, c.hidden_size = 8, c.num_hidden_layers = 2, c.num_attention_heads = 2,
  c.max_position_embeddings = 4, c.intermediate_size = 6;
  c.num_local_experts = 3, c.num_experts_per_tok = 2;
  Generator gen(10);
  nn::Transformer model(c, gen);
  current_tape().clear();
  const Tensor logits = model.forward({1, 2, 3, 4, 5, 6, 0, 1}, 2, 4).reshape({8, 7});
  const Tensor loss = cross_entropy(logits, {2, 3, 4, 5, 6, 0, 1, 2}) + model.balance_loss() * 0.01;
  loss.backward();
  CHECK(current_tape().size() == 0);
  {
    NoGradGuard no_grad;  // for display
    CHECK(model.z_loss().item() > 0);
  }
  CHECK(current_tape().size() == 0);
  CHECK(model.model->blocks[0]->block_sparse_moe->gate->weight.grad().defined());
}
