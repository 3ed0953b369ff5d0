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
//
// Generation with a KV cache (forward_cached): the keys and values of a position never change
// once computed (causal attention: a token's k and v depend only on it and its past), so a layer
// keeps them and a new token computes only its own q, k, v, appends k and v, and attends to every
// cached position. This is what Llama's reference code and llama2.c's run.c do (and Hugging
// Face's past_key_values): per new token O(T·d) for the scores instead of recomputing the whole
// context, O(T²·d + T·d²).
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

// One attention layer's KV cache: the keys and values of the positions seen so far, in order.
// Keys are stored after RoPE (as Llama does), so a cached key never needs rotating again.
struct LayerKVCache {
  Tensor keys, values;  // (B, H, T_past, hd) each, as the heads attend; undefined while empty
  std::int64_t length() const { return keys.defined() ? keys.size(2) : 0; }  // T_past
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
  // The same attention for the newest tokens only, with the earlier ones' keys and values read
  // from `cache` (generation; inference only: no dropout, and call it under NoGradGuard).
  // x (B, T_new, d) holds the tokens at positions past .. past+T_new-1, past = cache.length();
  // their keys (rotated at those positions) and values are appended to the cache, and query i
  // attends to cached positions 0 .. past+i. Returns (B, T_new, d), what forward would give at
  // those positions for the whole sequence. Throws tg::Error when past + T_new > max_seq or
  // when x's batch differs from the cache's.
  Tensor forward_cached(const Tensor& x, LayerKVCache& cache);

  std::shared_ptr<Linear> q_proj, k_proj, v_proj, o_proj;

 private:
  // Checks x (B, T, d) with past + T <= max_seq, and returns q and k (B, T, d), RoPE applied
  // when on, for the tokens at positions past .. past+T-1.
  std::pair<Tensor, Tensor> queries_keys(const Tensor& x, std::int64_t past = 0) const;
  // P = softmax(q k^T / sqrt(hd) + causal mask) for q (B, H, Tq, hd) at positions
  // past .. past+Tq-1 and k (B, H, Tk, hd) at positions 0 .. Tk-1: (B, H, Tq, Tk); query i
  // sees keys 0 .. past+i. Without a cache past = 0 and Tq = Tk = T.
  Tensor weights(const Tensor& q, const Tensor& k, std::int64_t past = 0) const;

  AttentionOptions options_;
  std::optional<RopeTables> rope_;
  Tensor causal_mask_;                      // (max_seq, max_seq): 1 above the diagonal
  std::shared_ptr<Generator> dropout_gen_;  // named_generators(): "dropout"
};

}  // namespace tg::nn
