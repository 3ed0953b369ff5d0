// layers/attention.cpp — see attention.hpp.
#include "layers/attention.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/ops.hpp"
#include "core/tape.hpp"
#include "layers/dropout.hpp"

namespace tg::nn {

CausalSelfAttention::CausalSelfAttention(const AttentionOptions& o, Generator& gen)
    : options_(o),
      dropout_gen_(
          register_generator("dropout", static_cast<std::uint64_t>(gen.integer(INT64_MAX)))) {
  if (o.heads <= 0 || o.d_model % o.heads != 0)
    fail("CausalSelfAttention", "d_model ", o.d_model, " must split into ", o.heads,
         " equal heads");
  const std::int64_t d = o.d_model;
  q_proj = register_module("q_proj", std::make_shared<Linear>(d, d, gen, o.bias, o.dtype));
  k_proj = register_module("k_proj", std::make_shared<Linear>(d, d, gen, o.bias, o.dtype));
  v_proj = register_module("v_proj", std::make_shared<Linear>(d, d, gen, o.bias, o.dtype));
  o_proj = register_module("o_proj", std::make_shared<Linear>(d, d, gen, o.bias, o.dtype));
  if (o.rope) rope_ = rope_tables(o.max_seq, d / o.heads, o.rope_theta, o.dtype);
  causal_mask_ = zeros({o.max_seq, o.max_seq}, o.dtype);
  for (std::int64_t i = 0; i < o.max_seq; ++i)
    for (std::int64_t j = i + 1; j < o.max_seq; ++j) causal_mask_.set({i, j}, 1);
}

std::pair<Tensor, Tensor> CausalSelfAttention::queries_keys(const Tensor& x,
                                                            std::int64_t past) const {
  const std::int64_t d = options_.d_model, H = options_.heads, hd = d / H;
  if (x.dim() != 3 || x.size(2) != d)
    fail("CausalSelfAttention", "expects (B, T, ", d, "), got ", x.shape());
  const std::int64_t B = x.size(0), T = x.size(1);
  if (T > options_.max_seq)
    fail("CausalSelfAttention", "sequence length ", T, " exceeds max_seq ", options_.max_seq);
  if (past + T > options_.max_seq)
    fail("CausalSelfAttention", past, " cached positions and ", T, " new exceed max_seq ",
         options_.max_seq);
  // q, k (B, T, d): head h is columns h·hd .. h·hd+hd-1 of each.
  Tensor q = q_proj->forward(x), k = k_proj->forward(x);
  if (rope_) {  // on (B, T, H, hd): positions are axis 1, and they start at past
    const RopeTables at{slice(rope_->cos, 0, past, past + T), slice(rope_->sin, 0, past, past + T)};
    q = apply_rope(q.reshape({B, T, H, hd}), at, 1).reshape({B, T, d});
    k = apply_rope(k.reshape({B, T, H, hd}), at, 1).reshape({B, T, d});
  }
  return {q, k};
}

Tensor CausalSelfAttention::weights(const Tensor& q, const Tensor& k, std::int64_t past) const {
  const std::int64_t Tq = q.size(2), Tk = k.size(2), hd = q.size(3);
  const Tensor scores =
      matmul(q, transpose(k, -2, -1)) * (1.0 / std::sqrt(static_cast<double>(hd)));
  // Rows past .. past+Tq-1 of the (max_seq, max_seq) mask: 1 where key j > query's position.
  const Tensor mask = slice(slice(causal_mask_, 0, past, past + Tq), 1, 0, Tk);  // (Tq, Tk)
  return softmax(masked_fill(scores, mask, -INFINITY), -1);                      // (B, H, Tq, Tk)
}

Tensor CausalSelfAttention::forward(const Tensor& x) {
  const std::int64_t d = options_.d_model, H = options_.heads, hd = d / H;
  const auto [q, k] = queries_keys(x);  // (B, T, d) each
  const Tensor v = v_proj->forward(x);
  const std::int64_t B = x.size(0), T = x.size(1);
  Tensor y;  // (B, T, d), the heads side by side again
  if (options_.dropout > 0 && is_training()) {
    // (B, T, d) -> (B, T, H, hd) -> (B, H, T, hd) and back
    auto split = [&](const Tensor& t) { return permute(t.reshape({B, T, H, hd}), {0, 2, 1, 3}); };
    y = permute(attend_composite(split(q), split(k), split(v)), {0, 2, 1, 3}).reshape({B, T, d});
  } else {
    y = scaled_dot_product_attention_heads(q, k, v, H, /*causal=*/true);  // heads read in place
  }
  return o_proj->forward(y);
}

Tensor CausalSelfAttention::attention_weights(const Tensor& x) {
  NoGradGuard no_grad;
  const auto [q, k] = queries_keys(x);  // the forward's q and k
  const std::int64_t B = x.size(0), T = x.size(1), H = options_.heads, hd = options_.d_model / H;
  auto split = [&](const Tensor& t) { return permute(t.reshape({B, T, H, hd}), {0, 2, 1, 3}); };
  return weights(split(q), split(k));  // (B, H, T, T)
}

Tensor CausalSelfAttention::forward_cached(const Tensor& x, LayerKVCache& cache) {
  const std::int64_t past = cache.length();
  if (past > 0 && x.dim() == 3 && x.size(0) != cache.keys.size(0))
    fail("CausalSelfAttention", "batch of ", x.size(0), " rows against a cache of ",
         cache.keys.size(0));
  const auto [q, k] = queries_keys(x, past);  // (B, T_new, d) each, rotated at their positions
  const Tensor v = v_proj->forward(x);        // (B, T_new, d)
  const std::int64_t d = options_.d_model, H = options_.heads, hd = d / H;
  const std::int64_t B = x.size(0), T_new = x.size(1);
  // (B, T_new, d) -> (B, T_new, H, hd) -> (B, H, T_new, hd)
  auto split = [&](const Tensor& t) { return permute(t.reshape({B, T_new, H, hd}), {0, 2, 1, 3}); };
  // The cache grows by T_new positions: (B, H, T, hd) each, T = past + T_new.
  cache.keys = past == 0 ? split(k) : concat({cache.keys, split(k)}, 2);
  cache.values = past == 0 ? split(v) : concat({cache.values, split(v)}, 2);
  const Tensor att = weights(split(q), cache.keys, past);  // (B, H, T_new, T)
  const Tensor y = matmul(att, cache.values);              // (B, H, T_new, hd)
  return o_proj->forward(permute(y, {0, 2, 1, 3}).reshape({B, T_new, d}));
}

Tensor CausalSelfAttention::attend_composite(const Tensor& q, const Tensor& k, const Tensor& v) {
  Tensor att = weights(q, k);  // (B, H, T, T)
  if (options_.dropout > 0) att = dropout(att, options_.dropout, *dropout_gen_, is_training());
  return matmul(att, v);  // (B, H, T, hd)
}

}  // namespace tg::nn
