// examples/training.hpp — the training step the programs and tests share.
//
// Layer: examples. One step on a batch: the cross-entropy of the model's next-token logits over
// the scored positions, backward, gradient clipping (when clip > 0), the optimizer's step, and
// zero_grad so the next step starts from no gradients.
#pragma once

#include "layers/optim.hpp"
#include "layers/transformer.hpp"
#include "tasks.hpp"

namespace tg::training {

// Mean cross-entropy over the scored positions of the batch (targets of -100 are ignored).
Tensor batch_loss(nn::Transformer& model, const tasks::Batch& batch);

// One optimisation step; returns the batch's loss before the update.
double train_step(nn::Transformer& model, optim::Optimizer& opt, const tasks::Batch& batch,
                  double clip = 0.0);

}  // namespace tg::training
