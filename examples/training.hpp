// examples/training.hpp — the training step, the evaluation and the memory estimate the programs
// and tests share.
//
// Layer: examples. One step on a batch: the cross-entropy of the model's next-token logits over
// the scored positions, backward, a check that every gradient is finite, gradient clipping (when
// clip > 0), the optimizer's step, and zero_grad so the next step starts from no gradients.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>

#include "layers/optim.hpp"
#include "layers/transformer.hpp"
#include "tasks.hpp"

namespace tg::training {

// The training objective: the mean cross-entropy over the scored positions of the batch
// (targets of -100 are ignored), plus, for a model with experts, the router's losses weighted by
// the config (router_aux_loss_coef, router_z_loss_coef; layers/moe.hpp).
Tensor batch_loss(nn::Transformer& model, const tasks::Batch& batch);

// loss plus the router's weighted losses of the model's last forward (loss itself without
// experts).
Tensor with_router_losses(const nn::Transformer& model, const Tensor& loss);

// What a step or an evaluation measured: mean loss, token accuracy, and exact match (the share
// of examples whose every scored token is right).
struct Score {
  double loss = 0, acc = 0, exact = 0;
};
// Scores one batch (the loss is the cross-entropy alone); with `loss_out` the objective is
// handed back, recorded, for backward (the cross-entropy plus the router's losses).
Score score(nn::Transformer& model, const tasks::Batch& batch, Tensor* loss_out = nullptr);

// Scores `n` fresh examples of `task` drawn from `gen`, in chunks of at most `chunk` examples, so
// that an evaluation never needs more memory than a training step of `chunk` examples, however
// large n is. The chunks draw the very examples one sample(n) would, and the scores are
// averaged over all of them. `stop` is asked between chunks (Ctrl-C): if it says yes, the
// evaluation ends early and `complete` is false.
struct Evaluation {
  Score score;
  bool complete = true;
};
Evaluation evaluate(
    nn::Transformer& model, const tasks::Task& task, std::int64_t n, std::int64_t chunk,
    Generator& gen, const std::function<bool()>& stop = [] { return false; });

// After backward: checks that every gradient is finite, clips (clip > 0), steps and zeroes the
// gradients. A gradient holding inf or NaN would turn every weight it touches into NaN (and
// clipping by the global norm would spread it to all of them), so the weights are left exactly
// as they were and NonFiniteGradient names `step` and the first such parameter.
struct NonFiniteGradient : std::runtime_error {
  using std::runtime_error::runtime_error;
};
void apply_gradients(nn::Transformer& model, optim::Optimizer& opt, double clip, std::int64_t step);

// One optimisation step (batch_loss, backward, apply_gradients); returns the batch's loss
// before the update.
double train_step(nn::Transformer& model, optim::Optimizer& opt, const tasks::Batch& batch,
                  double clip = 0.0, std::int64_t step = 0);

// About how many bytes of memory a training step of `batch` examples of
// `config.max_position_embeddings` tokens needs at its peak, with AdamW, on `threads` threads
// with the FFNs keeping for backward what config.ffn_memory says (train_transformer refuses what
// the machine cannot hold, and prints the figure; training.md explains the terms).
double estimate_peak_bytes(const nn::ModelConfig& config, std::int64_t batch, int threads);

}  // namespace tg::training
