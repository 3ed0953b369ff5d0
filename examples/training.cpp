// examples/training.cpp — see training.hpp.
#include "training.hpp"

#include "core/ops.hpp"

namespace tg::training {

Tensor batch_loss(nn::Transformer& model, const tasks::Batch& b) {
  const Tensor logits = model.forward(b.x, b.B, b.T);  // (B, T, vocab)
  return cross_entropy(logits.reshape({b.B * b.T, model.config().vocab}), b.y, tasks::kIgnore);
}

double train_step(nn::Transformer& model, optim::Optimizer& opt, const tasks::Batch& b,
                  double clip) {
  Tensor loss = batch_loss(model, b);
  loss.backward();
  if (clip > 0) optim::clip_grad_norm(model.parameters(), clip);
  opt.step();
  opt.zero_grad();
  return loss.item();
}

}  // namespace tg::training
