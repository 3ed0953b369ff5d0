// layers/transformer.hpp — the pre-norm transformer block and a decoder-only language model.
//
// Layer: layers. Shapes: token ids (B, T) -> logits (B, T, vocab).
//
//   h = embed_tokens[ids] (+ learned positions)           (B, T, d)
//   for each block:  h = h + Attention(Norm(h))
//                    h = h + FFN(Norm(h))                  (pre-norm residual, as GPT-2/Llama)
//   logits = lm_head(Norm(h))                              (B, T, vocab)
//
// Generation keeps each layer's keys and values (KVCache, Transformer::forward_cached), so that a
// new token costs one token's work per layer instead of a forward over the whole context.
//
// Pre-norm keeps an unnormalised "residual stream" from input to output, which lets gradients
// reach early layers directly and makes deep stacks train without warm-up tricks.
//
// The parameter names follow Hugging Face's LlamaForCausalLM: model.embed_tokens.weight,
// model.layers.N.self_attn.{q,k,v,o}_proj.weight, model.layers.N.mlp.{gate,up,down}_proj.weight,
// model.layers.N.input_layernorm.weight, model.layers.N.post_attention_layernorm.weight,
// model.norm.weight, lm_head.weight. Configured Llama-style (RMSNorm, RoPE, SwiGLU, no biases,
// no tying) a saved model therefore opens in transformers as a LlamaForCausalLM.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/random.hpp"
#include "layers/attention.hpp"
#include "layers/embedding.hpp"
#include "layers/ffn.hpp"
#include "layers/module.hpp"
#include "layers/moe.hpp"
#include "layers/norms.hpp"

namespace tg::nn {

// One plain struct with the whole model (nanoGPT's GPTConfig): every module is built from it
// (Block(config), Attention(config), MLP(config)). The names are Hugging Face's (LlamaConfig,
// MixtralConfig), which are also config.json's; the fields Hugging Face has no name for are
// tapegrad's own, said so below.
struct ModelConfig {
  std::int64_t vocab_size = 32;
  std::int64_t hidden_size = 64;  // d: the residual stream's width
  std::int64_t num_hidden_layers = 2;
  std::int64_t num_attention_heads = 4;
  std::int64_t max_position_embeddings = 32;  // the longest sequence T
  // The FFN's hidden size h (each expert's, with experts); 0: the FFN's rule (4d, or 2/3 of 4d
  // rounded to multiple_of).
  std::int64_t intermediate_size = 0;
  double rope_theta = 10000.0;
  double rms_norm_eps = 1e-5;        // also LayerNorm's epsilon when rms_norm is false
  bool tie_word_embeddings = false;  // lm_head shares embed_tokens' weight
  double initializer_range = 0.02;   // every Linear and Embedding weight ~ N(0, range^2)
  // A mixture of SwiGLU experts in each block instead of the FFN, when num_local_experts > 0
  // (Mixtral; layers/moe.hpp): "block_sparse_moe" routes every token to num_experts_per_tok of
  // the experts, each of hidden size intermediate_size (0: Llama's rule). ffn is not used then.
  std::int64_t num_local_experts = 0;
  std::int64_t num_experts_per_tok = 2;
  // The weight of the router's balancing loss in the training objective, at Switch
  // Transformer's 0.01 (Mixtral's config: 0.001).
  double router_aux_loss_coef = 0.01;

  // tapegrad's own: Hugging Face has no field for these (its model class decides them).
  FFNKind ffn = FFNKind::SwiGLU;  // Llama's is SwiGLU (HF says only hidden_act: "silu")
  std::int64_t multiple_of = 16;  // Meta's Llama code's rounding of the FFN's rule
  bool rms_norm = true;           // false: LayerNorm
  bool rope = true;               // false: learned absolute positions
  // Biases on every projection (and LayerNorm's); Llama's attention_bias and mlp_bias together.
  bool bias = false;
  // On the attention weights, the FFN's hidden activations and both residual branches, in
  // training (HF's Llama has only attention_dropout).
  double dropout = 0.0;
  // The router z-loss's weight, off (Switch Transformers' name; Mixtral has none).
  double router_z_loss_coef = 0.0;
  DType dtype = float32;
  // What each block's FFN keeps for backward (layers/ffn.hpp): the plain formula by default;
  // train_transformer, bench and compare_ffn (fast floor) ask for Recompute. The numbers are the
  // same either way, so it is a choice of the run, not saved in config.json (like Hugging Face's
  // gradient_checkpointing, which is not in its config either).
  FFNMemory ffn_memory = FFNMemory::Keep;

  // RMSNorm, RoPE, SwiGLU, no biases, untied: the shape Hugging Face's Llama code loads.
  bool llama_shaped() const {
    return rms_norm && rope && ffn == FFNKind::SwiGLU && !bias && !tie_word_embeddings;
  }
};

// The options of the standalone layers, read from the config: the one place where the model's
// names meet the layers' own (FFNOptions::d_model is the config's hidden_size, ...).
AttentionOptions attention_options(const ModelConfig& c);
FFNOptions ffn_options(const ModelConfig& c);
MoEOptions moe_options(const ModelConfig& c);

// RMSNorm or LayerNorm as the config says, with its parameters directly under this module's
// name ("input_layernorm.weight"), as Hugging Face names them.
class Norm : public Module {
 public:
  explicit Norm(const ModelConfig& c);
  Tensor forward(const Tensor& x) const;
  Tensor weight, bias;  // bias: LayerNorm with biases only

 private:
  bool rms_;
  double eps_;
};

class TransformerBlock : public Module {
 public:
  TransformerBlock(const ModelConfig& c, Generator& gen);
  Tensor forward(const Tensor& x);
  // forward for the newest tokens x (B, T_new, d), the attention reading and extending `cache`
  // (CausalSelfAttention::forward_cached); the FFN or the experts see only the new tokens, as
  // they see each position on its own anyway. Inference only: no dropout.
  Tensor forward_cached(const Tensor& x, LayerKVCache& cache);

  std::shared_ptr<Norm> input_layernorm, post_attention_layernorm;
  std::shared_ptr<CausalSelfAttention> self_attn;
  std::shared_ptr<FFN> mlp;               // null in a mixture-of-experts block
  std::shared_ptr<MoE> block_sparse_moe;  // null in a dense block
  // The router's results of the last forward (a mixture-of-experts block only).
  const MoEOutput& routing() const { return routing_; }

 private:
  // The FFN (or the experts) on the normalised stream, (B, T, d) -> (B, T, d).
  Tensor feed_forward(const Tensor& x);

  double dropout_;
  std::shared_ptr<Generator> dropout_gen_;  // named_generators(): "dropout"
  MoEOutput routing_;
};

// The stack without the head: HF's LlamaModel ("model." in parameter names).
class DecoderStack : public Module {
 public:
  DecoderStack(const ModelConfig& c, Generator& gen);
  std::shared_ptr<Embedding> embed_tokens, embed_positions;  // positions: only without RoPE
  std::shared_ptr<ModuleList> layers;
  std::vector<std::shared_ptr<TransformerBlock>> blocks;
  std::shared_ptr<Norm> norm;
};

// The keys and values of every layer for the positions generated so far (Hugging Face's
// past_key_values; llama2.c's key_cache and value_cache). Empty at first; Transformer::
// forward_cached fills it. A cache belongs to one model and one sequence (batch): reset() it to
// start another.
struct KVCache {
  std::vector<LayerKVCache> layers;  // one per block, keys and values (B, H, T_past, hd) each
  std::int64_t past = 0;             // T_past: the positions cached (the next token's position)
  void reset() { layers.clear(), past = 0; }
};

class Transformer : public Module {
 public:
  Transformer(const ModelConfig& c, Generator& gen);
  // ids: B*T token ids, row-major (B, T). Returns logits (B, T, vocab).
  Tensor forward(const std::vector<std::int64_t>& ids, std::int64_t B, std::int64_t T);
  // Logits (B, T_new, vocab) for the newest tokens ids (B, T_new) (row-major), which sit at
  // positions past .. past+T_new-1 after the cache.past positions already cached;
  // their keys and values join the cache. Equal (to rounding) to the last T_new positions of
  // forward over the whole sequence. Generation: the prompt once, then one token per call.
  // Runs without recording (NoGradGuard) and without dropout. Throws tg::Error as forward does,
  // and when past + T_new > max_position_embeddings (reset the cache and start again from the
  // tokens to slide the window) or the cache belongs to another batch or model.
  Tensor forward_cached(const std::vector<std::int64_t>& ids, std::int64_t B, std::int64_t T_new,
                        KVCache& cache);
  const ModelConfig& config() const { return config_; }
  // The attention weights of every layer for ids (B, T): element l is layer l's (B, H, T, T)
  // (CausalSelfAttention::attention_weights), from the same forward, without recording.
  std::vector<Tensor> attention_weights(const std::vector<std::int64_t>& ids, std::int64_t B,
                                        std::int64_t T);
  // With experts: the balancing loss and the router z-loss of the last forward, summed over the
  // layers (as Switch Transformer adds one per layer), shape (); undefined without experts.
  // Computed on request and recorded: differentiate them (in the training objective), or ask
  // under NoGradGuard, or their records stay on the tape.
  Tensor balance_loss() const;
  Tensor z_loss() const;

  std::shared_ptr<DecoderStack> model;
  std::shared_ptr<Linear> lm_head;  // null when tied: the logits use embed_tokens' weight

 private:
  // The ids (B, T) at positions past .. past+T-1, checked, as embeddings plus learned
  // positions: (B, T, d).
  Tensor embed(const std::vector<std::int64_t>& ids, std::int64_t B, std::int64_t T,
               std::int64_t past = 0) const;
  // The final norm and the head: h (B, T, d) -> logits (B, T, vocab).
  Tensor head(const Tensor& h) const;
  // Sums one router loss (MoE::balance_loss or MoE::z_loss) over the MoE layers.
  Tensor router_loss(Tensor (MoE::*loss)(const MoEOutput&) const) const;
  ModelConfig config_;
};

}  // namespace tg::nn
