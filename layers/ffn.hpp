// layers/ffn.hpp — the transformer's position-wise feed-forward block, in every variant.
//
// Layer: layers. Shapes: x (..., d) -> (..., d); hidden size h.
//
//   non-gated (relu, gelu, swish):                 FFN(x) = act(x W1) W2
//   gated (glu, bilinear, reglu, geglu, swiglu):   FFN(x) = (act(x W) * (x V)) W_out
//
// Parameters use Hugging Face Llama's names: up_proj (W1 or V, d -> h), gate_proj (W, d -> h),
// down_proj (W2 or W_out, h -> d). A gated block has three matrices where a non-gated one has
// two, so at equal h it costs 1.5x the parameters and FLOPs; the Llama rule shrinks h to keep the
// count equal: h = 2/3 * 4d, rounded up to a multiple of `multiple_of` (llama_hidden_size).
//
// Options:
// - merged_gate_up (gated kinds): one projection gate_up_proj, d -> 2h (the gate's h rows first,
//   then the value's), split by gated_halves — one matrix product instead of two.
// - dropout on the hidden activations while training.
// - memory: what the tape keeps for backward (FFNMemory below). The default keeps everything and
//   FFN::forward is the formula above; the memory-saving choices are opt-in, as in Hugging Face
//   (gradient_checkpointing_enable) and PyTorch (torch.utils.checkpoint).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/random.hpp"
#include "layers/linear.hpp"
#include "layers/module.hpp"

namespace tg::nn {

enum class FFNKind { ReLU, GELU, Swish, GLU, Bilinear, ReGLU, GEGLU, SwiGLU };

const char* ffn_kind_name(FFNKind kind);          // "relu", ..., "swiglu"
// Every kind's name, in FFNKind's order: the list programs offer (read from the kind table).
std::vector<std::string> ffn_kind_names();
FFNKind parse_ffn_kind(const std::string& name);  // throws, listing the valid names
bool is_gated(FFNKind kind);

// Llama's hidden size for a gated FFN: h = floor(2 * 4d / 3), rounded up to a multiple of
// multiple_of. d = 512, multiple_of = 256: floor(1365.3) = 1365 -> 1536.
std::int64_t llama_hidden_size(std::int64_t d_model, std::int64_t multiple_of);

// What the tape keeps of the block for backward; the numbers are the same either way.
//   Keep:       everything, the hidden layer (tokens x h) included: the plain composition. The
//               default.
//   Recompute:  the projections' outputs but not the hidden layer, which backward computes again
//               (one elementwise pass): one (tokens x h) tensor less per block. train_transformer,
//               bench and compare_ffn (fast floor) choose it.
//   Checkpoint: only x; backward runs the whole block again (activation checkpointing, Chen et
//               al. 2016). The recomputation uses this module's weights as they are at backward
//               time: keep the module alive, and unchanged, until backward has run.
enum class FFNMemory { Keep, Recompute, Checkpoint };

struct FFNOptions {
  std::int64_t d_model = 512;
  FFNKind kind = FFNKind::SwiGLU;
  std::int64_t hidden = 0;  // 0: 4 d_model (non-gated), or llama_hidden_size (gated)
  std::int64_t multiple_of = 256;
  bool bias = false;            // biases on every projection
  bool merged_gate_up = false;  // gated kinds only: one d -> 2h projection
  double dropout = 0.0;         // on the hidden activations, in training mode
  FFNMemory memory = FFNMemory::Keep;
  DType dtype = float32;
};

// What an FFN of these options holds, by arithmetic alone (no module is built, so ffn_params
// --d 8192 prints at once): the hidden size (as FFN's constructor chooses it), the parameters
// (2 or 3 matrices of d x hidden, and the biases if any) and the FLOPs per token (each
// multiply-add of the projections counted 2). Test: "ffn_cost counts what an FFN holds".
struct FFNCost {
  std::int64_t hidden = 0, params = 0, flops_per_token = 0;
};
FFNCost ffn_cost(const FFNOptions& options);

class FFN : public Module {
 public:
  FFN(const FFNOptions& options, Generator& gen);
  Tensor forward(const Tensor& x);
  Tensor operator()(const Tensor& x) { return forward(x); }

  const FFNOptions& options() const { return options_; }
  // h, the hidden size chosen (Hugging Face calls it intermediate_size; its hidden_size is d).
  std::int64_t intermediate_size() const { return hidden_; }
  // Multiply-adds of the projections, counted as 2 FLOPs each, per token (per row of x).
  std::int64_t matmul_flops_per_token() const;

  std::shared_ptr<Linear> up_proj, gate_proj, gate_up_proj, down_proj;  // unused ones are null

 private:
  Tensor hidden(const Tensor& x) const;  // (..., d) -> (..., h)
  // dropout's mask for the hidden layer of x (undefined when not dropping): drawn once, outside
  // any recomputed function, so that a recomputation in backward uses the same mask.
  Tensor dropout_mask_for(const Tensor& x);
  // forward under FFNMemory::Recompute or Checkpoint: the same numbers, less kept for backward.
  Tensor forward_saving_memory(const Tensor& x, const Tensor& mask);
  Tensor down_recomputing_hidden(const Tensor& x, const Tensor& mask) const;
  FFNOptions options_;
  std::int64_t hidden_;
  std::shared_ptr<Generator> dropout_gen_;  // named_generators(): "dropout"
};

}  // namespace tg::nn
