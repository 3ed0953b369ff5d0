// tests/small_model.hpp — the small transformer the KV-cache and generation tests share.
#pragma once

#include <cstdint>

#include "layers/transformer.hpp"

namespace tg::testing {

// Two layers, d = 16, two heads of size 8 (even, as RoPE needs), learned positions or RoPE,
// dense SwiGLU or 4 experts. init_std 0.3, larger than training's 0.02: untrained but
// opinionated, its logits far apart, so every part of the model is felt and greedy picks vary
// from token to token.
inline nn::ModelConfig small_model_config(std::int64_t vocab, std::int64_t max_seq, bool rope,
                                          bool moe, DType dtype) {
  nn::ModelConfig c;
  c.vocab_size = vocab;
  c.hidden_size = 16;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 2;
  c.max_position_embeddings = max_seq;
  c.rope = rope;
  c.num_local_experts = moe ? 4 : 0;
  c.initializer_range = 0.3;
  c.dtype = dtype;
  return c;
}

}  // namespace tg::testing
