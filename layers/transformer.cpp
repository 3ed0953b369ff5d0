// layers/transformer.cpp — see transformer.hpp.
#include "layers/transformer.hpp"

#include "core/error.hpp"
#include "core/ops.hpp"
#include "core/tape.hpp"
#include "layers/dropout.hpp"

namespace tg::nn {

Norm::Norm(const ModelConfig& c) : rms_(c.rms_norm), eps_(c.rms_norm_eps) {
  weight = register_parameter("weight", ones({c.hidden_size}, c.dtype));
  if (!c.rms_norm && c.bias) bias = register_parameter("bias", zeros({c.hidden_size}, c.dtype));
}

Tensor Norm::forward(const Tensor& x) const {
  return rms_ ? rms_norm(x, weight, eps_) : layer_norm(x, weight, bias, eps_);
}

AttentionOptions attention_options(const ModelConfig& c) {
  AttentionOptions a;
  a.d_model = c.hidden_size;
  a.heads = c.num_attention_heads;
  a.bias = c.bias;
  a.rope = c.rope;
  a.rope_theta = c.rope_theta;
  a.max_seq = c.max_position_embeddings;
  a.dropout = c.dropout;
  a.dtype = c.dtype;
  return a;
}

FFNOptions ffn_options(const ModelConfig& c) {
  FFNOptions f;
  f.d_model = c.hidden_size;
  f.kind = c.ffn;
  f.hidden = c.intermediate_size;
  f.multiple_of = c.multiple_of;
  f.bias = c.bias;
  f.dropout = c.dropout;
  f.memory = c.ffn_memory;
  f.dtype = c.dtype;
  return f;
}

MoEOptions moe_options(const ModelConfig& c) {
  MoEOptions m;
  m.d_model = c.hidden_size;
  m.hidden = c.intermediate_size;
  m.multiple_of = c.multiple_of;
  m.experts = c.num_local_experts;
  m.experts_per_token = c.num_experts_per_tok;
  m.dtype = c.dtype;
  return m;
}

// Hugging Face's LlamaDecoderLayer(config), nanoGPT's Block(config): each submodule is built from
// the config it is given.
TransformerBlock::TransformerBlock(const ModelConfig& config, Generator& gen)
    : dropout_(config.dropout),
      dropout_gen_(
          register_generator("dropout", static_cast<std::uint64_t>(gen.integer(INT64_MAX)))) {
  input_layernorm = register_module("input_layernorm", std::make_shared<Norm>(config));
  self_attn = register_module(
      "self_attn", std::make_shared<CausalSelfAttention>(attention_options(config), gen));
  post_attention_layernorm =
      register_module("post_attention_layernorm", std::make_shared<Norm>(config));
  if (config.num_local_experts > 0)
    block_sparse_moe =
        register_module("block_sparse_moe", std::make_shared<MoE>(moe_options(config), gen));
  else
    mlp = register_module("mlp", std::make_shared<FFN>(ffn_options(config), gen));
}

Tensor TransformerBlock::forward(const Tensor& x) {
  const bool drop = dropout_ > 0 && is_training();
  Tensor a = self_attn->forward(input_layernorm->forward(x));
  if (drop) a = dropout(a, dropout_, *dropout_gen_, true);
  const Tensor h = x + a;  // the residual stream
  Tensor m = feed_forward(post_attention_layernorm->forward(h));
  if (drop) m = dropout(m, dropout_, *dropout_gen_, true);
  return h + m;
}

Tensor TransformerBlock::feed_forward(const Tensor& x) {
  if (!block_sparse_moe) return mlp->forward(x);
  routing_ = block_sparse_moe->forward(x);
  return routing_.out;
}

Tensor TransformerBlock::forward_cached(const Tensor& x, LayerKVCache& cache) {
  const Tensor h = x + self_attn->forward_cached(input_layernorm->forward(x), cache);
  return h + feed_forward(post_attention_layernorm->forward(h));
}

DecoderStack::DecoderStack(const ModelConfig& c, Generator& gen) {
  embed_tokens = register_module(
      "embed_tokens", std::make_shared<Embedding>(c.vocab_size, c.hidden_size, gen, c.dtype));
  if (!c.rope)
    embed_positions = register_module(
        "embed_positions",
        std::make_shared<Embedding>(c.max_position_embeddings, c.hidden_size, gen, c.dtype));
  layers = register_module("layers", std::make_shared<ModuleList>());
  for (std::int64_t i = 0; i < c.num_hidden_layers; ++i)
    blocks.push_back(layers->append(std::make_shared<TransformerBlock>(c, gen)));
  norm = register_module("norm", std::make_shared<Norm>(c));
}

Transformer::Transformer(const ModelConfig& c, Generator& gen) : config_(c) {
  if (c.vocab_size <= 0 || c.hidden_size <= 0 || c.num_hidden_layers < 0 ||
      c.max_position_embeddings <= 0)
    fail("Transformer", "needs positive vocab_size, hidden_size, max_position_embeddings and ",
         "num_hidden_layers >= 0");
  model = register_module("model", std::make_shared<DecoderStack>(c, gen));
  if (!c.tie_word_embeddings)
    lm_head = register_module(
        "lm_head", std::make_shared<Linear>(c.hidden_size, c.vocab_size, gen, false, c.dtype));
  // GPT-2's initialisation without its residual scaling: every matrix (Linear weights,
  // embeddings) ~ N(0, initializer_range^2), biases 0, norm weights stay 1. (GPT-2 also divides the
  // std of the projections into the residual stream, o_proj and down_proj, by sqrt(2 *
  // num_hidden_layers); not here.)
  NoGradGuard no_grad;
  for (const auto& [name, p] : named_parameters()) {
    const bool matrix = p.dim() == 2;
    const bool is_bias = name.size() >= 5 && name.compare(name.size() - 5, 5, ".bias") == 0;
    if (matrix) {
      const Tensor fresh = randn(p.shape(), gen, c.dtype) * c.initializer_range;
      p.fill_(0);
      add_(p, fresh);
    } else if (is_bias) {
      p.fill_(0);
    }
  }
}

// The sum over the layers that have routed something of one of the router's losses.
Tensor Transformer::router_loss(Tensor (MoE::*loss)(const MoEOutput&) const) const {
  Tensor total;
  for (const auto& block : model->blocks) {
    if (!block->block_sparse_moe || !block->routing().router_logits.defined()) continue;
    const Tensor layer = (*block->block_sparse_moe.*loss)(block->routing());
    total = total.defined() ? total + layer : layer;
  }
  return total;
}

Tensor Transformer::balance_loss() const {
  return router_loss(&MoE::balance_loss);
}

Tensor Transformer::z_loss() const {
  return router_loss(&MoE::z_loss);
}

Tensor Transformer::embed(const std::vector<std::int64_t>& ids, std::int64_t B, std::int64_t T,
                          std::int64_t past) const {
  if (B <= 0 || T <= 0 || B * T != static_cast<std::int64_t>(ids.size()))
    fail("Transformer", ids.size(), " ids do not make a (", B, ", ", T, ") batch");
  if (T > config_.max_position_embeddings)
    fail("Transformer", "sequence length ", T, " exceeds max_position_embeddings ",
         config_.max_position_embeddings);
  if (past + T > config_.max_position_embeddings)
    fail("Transformer", "the KV cache holds ", past, " positions: ", T,
         " more exceed max_position_embeddings ", config_.max_position_embeddings,
         " (reset the cache and start again from the last max_position_embeddings tokens)");
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (ids[i] < 0 || ids[i] >= config_.vocab_size)
      fail("Transformer", "token id ", ids[i], " at position ", i, " is outside the vocabulary 0..",
           config_.vocab_size - 1);
  Tensor h = model->embed_tokens->forward(ids, {B, T});  // (B, T, d)
  if (model->embed_positions) {
    std::vector<std::int64_t> positions(static_cast<std::size_t>(T));
    for (std::int64_t t = 0; t < T; ++t) positions[static_cast<std::size_t>(t)] = past + t;
    h = h + model->embed_positions->forward(positions, {T});  // (T, d) broadcasts over B
  }
  return h;
}

Tensor Transformer::forward(const std::vector<std::int64_t>& ids, std::int64_t B, std::int64_t T) {
  Tensor h = embed(ids, B, T);  // (B, T, d)
  for (const auto& block : model->blocks) h = block->forward(h);
  return head(h);
}

Tensor Transformer::head(const Tensor& h) const {
  const Tensor n = model->norm->forward(h);
  if (lm_head) return lm_head->forward(n);
  return linear(n, model->embed_tokens->weight);  // tied: logits = h E^T
}

Tensor Transformer::forward_cached(const std::vector<std::int64_t>& ids, std::int64_t B,
                                   std::int64_t T_new, KVCache& cache) {
  NoGradGuard no_grad;  // generation: nothing to differentiate
  const auto layers = static_cast<std::size_t>(config_.num_hidden_layers);
  if (cache.layers.empty()) cache.layers.resize(layers);
  if (cache.layers.size() != layers)
    fail("Transformer", "a KV cache of ", cache.layers.size(), " layers for a model of ", layers);
  Tensor h = embed(ids, B, T_new, cache.past);  // (B, T_new, d) at positions past..
  for (std::size_t l = 0; l < layers; ++l) h = model->blocks[l]->forward_cached(h, cache.layers[l]);
  cache.past += T_new;
  return head(h);  // (B, T_new, vocab)
}

std::vector<Tensor> Transformer::attention_weights(const std::vector<std::int64_t>& ids,
                                                   std::int64_t B, std::int64_t T) {
  NoGradGuard no_grad;
  Tensor h = embed(ids, B, T);  // as forward, the same checks
  std::vector<Tensor> weights;
  for (const auto& block : model->blocks) {
    weights.push_back(block->self_attn->attention_weights(block->input_layernorm->forward(h)));
    h = block->forward(h);  // the input of the next block's attention
  }
  return weights;
}

}  // namespace tg::nn
