// layers/attention.hpp — causal multi-head self-attention.
//
// Layer: layers. Shapes: x (B, T, d) -> (B, T, d); H heads of size hd = d / H.
//
//   q, k, v = x Wq^T, x Wk^T, x Wv^T              (B, T, d) each; head h is columns
//                                                 h·hd .. h·hd+hd-1, i.e. (B, T, H, hd)
//   (RoPE on q and k, when positions are rotary)
//   per batch row and head (B·H matrices):
//   scores  = q k^T / sqrt(hd)                    (T, T)
//   scores[i, j] = -inf for j > i                 (causal: a token sees only its past)
//   att     = softmax(scores, last axis)          (rows sum to 1; max-shifted, so stable)
//   y       = att v                               (T, hd), written back as head h's columns
//   out = y Wo^T                                  (B, T, d)
// scaled_dot_product_attention_heads (core/ops_attention.cpp) does the middle part in one op,
// reading each head where the projection put it; attend_composite spells it out with primitive
// ops on heads split into (B, H, T, hd).
//
// Parameters use Hugging Face Llama's names: q_proj, k_proj, v_proj, o_proj.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

#include "core/random.hpp"
#include "layers/linear.hpp"
#include "layers/module.hpp"
#include "layers/rope.hpp"

namespace tg::nn {

struct AttentionOptions {
  std::int64_t d_model = 64;
  std::int64_t heads = 4;
  bool bias = false;
  bool rope = true;  // rotary positions on q and k (otherwise the model adds learned positions)
  double rope_theta = 10000.0;
  std::int64_t max_seq = 256;
  double dropout = 0.0;  // on the attention weights, in training
  DType dtype = float32;
};

class CausalSelfAttention : public Module {
 public:
  CausalSelfAttention(const AttentionOptions& options, Generator& gen);
  Tensor forward(const Tensor& x);
  // softmax(q k^T / sqrt(hd) + causal mask) v for q, k, v (B, H, T, hd), from primitive ops:
  // what the fused scaled_dot_product_attention(_heads) computes, and what runs instead of it
  // when dropout on the attention weights is on (the fused op has no dropout).
  Tensor attend_composite(const Tensor& q, const Tensor& k, const Tensor& v);
  // The attention weights themselves, to look at: P = softmax(q k^T / sqrt(hd) + causal mask)
  // for input x (B, T, d), as (B, H, T, T); row i of head h holds the weights query i gives to
  // keys 0..i (zero beyond i), summing to 1. The same q and k as forward (projections, RoPE),
  // computed without recording (NoGradGuard): forward never keeps P (it recomputes it in
  // backward), so this is how a program draws what a trained model attends to.
  Tensor attention_weights(const Tensor& x);

  std::shared_ptr<Linear> q_proj, k_proj, v_proj, o_proj;

 private:
  // Checks x (B, T, d) with T <= max_seq, and returns q and k (B, T, d), RoPE applied when on.
  std::pair<Tensor, Tensor> queries_keys(const Tensor& x) const;
  // P = softmax(q k^T / sqrt(hd) + causal mask) for q, k (B, H, T, hd): (B, H, T, T).
  Tensor weights(const Tensor& q, const Tensor& k) const;

  AttentionOptions options_;
  std::optional<RopeTables> rope_;
  Tensor causal_mask_;  // (max_seq, max_seq): 1 above the diagonal
  Generator dropout_gen_;
};

}  // namespace tg::nn
