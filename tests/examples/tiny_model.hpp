// tests/examples/tiny_model.hpp — the small model configuration the training tests share.
#pragma once

#include "layers/transformer.hpp"

namespace tg::testing {

inline nn::ModelConfig tiny_model(std::int64_t vocab, std::int64_t seq, std::int64_t d_model = 16) {
  nn::ModelConfig c;
  c.vocab_size = vocab;
  c.hidden_size = d_model;
  c.num_hidden_layers = 1;
  c.num_attention_heads = 2;
  c.max_position_embeddings = seq;
  return c;
}

}  // namespace tg::testing
