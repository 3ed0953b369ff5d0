// The attention weights a program draws (CausalSelfAttention::attention_weights and
// Transformer::attention_weights): causal rows that sum to 1, and the very P the forward uses:
// o_proj(P v) is the attention's output, layer by layer, with RoPE and with learned positions.
#include <cmath>

#include "helpers.hpp"
#include "layers/transformer.hpp"

using namespace tg;
using namespace tg::testing;

TEST_CASE("attention_weights are the forward's P, causal rows summing to 1, for every layer") {
  current_tape().clear();  // whatever an earlier case in this process left
  for (const bool rope : {true, false}) {
    CAPTURE(rope);
    nn::ModelConfig c;
    c.vocab_size = 7, c.hidden_size = 8, c.num_hidden_layers = 2, c.num_attention_heads = 2,
    c.max_position_embeddings = 6, c.intermediate_size = 12;
    c.initializer_range = 0.5, c.dtype = float64, c.rope = rope;
    Generator gen(3);
    nn::Transformer model(c, gen);
    const std::int64_t B = 2, T = 5, H = 2, hd = 4;
    const std::vector<std::int64_t> ids = {1, 4, 0, 6, 2, 3, 3, 5, 1, 0};
    const std::vector<Tensor> weights = model.attention_weights(ids, B, T);
    REQUIRE(weights.size() == 2);
    CHECK(current_tape().records().empty());  // nothing recorded

    NoGradGuard no_grad;
    Tensor h = model.model->embed_tokens->forward(ids, {B, T});
    if (!rope) h = h + model.model->embed_positions->forward({0, 1, 2, 3, 4}, {T});
    for (std::size_t l = 0; l < weights.size(); ++l) {
      CAPTURE(l);
      const Tensor& P = weights[l];
      REQUIRE(P.shape() == Shape{B, H, T, T});
      for (std::int64_t b = 0; b < B; ++b)
        for (std::int64_t head = 0; head < H; ++head)
          for (std::int64_t i = 0; i < T; ++i) {
            double row = 0;
            for (std::int64_t j = 0; j < T; ++j) {
              const double p = P.at({b, head, i, j});
              if (j > i) CHECK(p == 0);  // a query never sees a later key
              row += p;
            }
            CHECK(row == doctest::Approx(1).epsilon(1e-12));
          }
      // o_proj(P v), heads merged, is what the attention layer outputs.
      const nn::TransformerBlock& block = *model.model->blocks[l];
      const Tensor x = block.input_layernorm->forward(h);
      const Tensor v = permute(block.self_attn->v_proj->forward(x).reshape({B, T, H, hd}),
                               {0, 2, 1, 3});  // (B, H, T, hd)
      const Tensor y = block.self_attn->o_proj->forward(
          permute(matmul(P, v), {0, 2, 1, 3}).reshape({B, T, H * hd}));
      const Tensor expected = block.self_attn->forward(x);
      check_values(y, expected.to_vector(), 1e-12);
      h = model.model->blocks[l]->forward(h);
    }
  }
}

TEST_CASE("attention_weights refuses what forward refuses") {
  nn::ModelConfig c;
  c.vocab_size = 7, c.hidden_size = 8, c.num_hidden_layers = 1, c.num_attention_heads = 2,
  c.max_position_embeddings = 4;
  Generator gen(1);
  nn::Transformer model(c, gen);
  CHECK_THROWS_WITH(model.attention_weights({1, 2, 3, 4, 5}, 1, 5),
                    doctest::Contains("sequence length 5 exceeds max_position_embeddings 4"));
  CHECK_THROWS_WITH(model.attention_weights({1, 9}, 1, 2),
                    doctest::Contains("token id 9 at position 1 is outside the vocabulary 0..6"));
}
