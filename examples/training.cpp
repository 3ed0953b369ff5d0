// examples/training.cpp — see training.hpp.
#include "training.hpp"

#include <cmath>

#include "core/ops.hpp"
#include "core/tapegrad.hpp"
#include "layers/ffn.hpp"

namespace tg::training {

Tensor with_router_losses(const nn::Transformer& model, const Tensor& loss) {
  const nn::ModelConfig& c = model.config();
  if (c.num_local_experts == 0) return loss;
  Tensor total = loss;
  if (c.router_aux_loss_coef > 0) total = total + model.balance_loss() * c.router_aux_loss_coef;
  if (c.router_z_loss_coef > 0) total = total + model.z_loss() * c.router_z_loss_coef;
  return total;
}

Tensor batch_loss(nn::Transformer& model, const tasks::Batch& b) {
  const Tensor logits = model.forward(b.x, b.B, b.T);  // (B, T, vocab)
  return with_router_losses(
      model,
      cross_entropy(logits.reshape({b.B * b.T, model.config().vocab_size}), b.y, tasks::kIgnore));
}

Score score(nn::Transformer& model, const tasks::Batch& b, Tensor* loss_out) {
  const std::int64_t V = model.config().vocab_size;
  const Tensor logits = model.forward(b.x, b.B, b.T).reshape({b.B * b.T, V});
  const Tensor loss = cross_entropy(logits, b.y, tasks::kIgnore);
  if (loss_out) *loss_out = with_router_losses(model, loss);
  const std::vector<std::int64_t> predicted = argmax(logits.detach(), 1);
  std::int64_t scored = 0, right = 0, exact = 0;
  for (std::int64_t n = 0; n < b.B; ++n) {
    bool all = true;
    for (std::int64_t t = 0; t < b.T; ++t) {
      const auto i = static_cast<std::size_t>(n * b.T + t);
      if (b.y[i] == tasks::kIgnore) continue;
      ++scored;
      const bool ok = predicted[i] == b.y[i];
      right += ok;
      all = all && ok;
    }
    exact += all;
  }
  return {loss.item(), scored ? static_cast<double>(right) / static_cast<double>(scored) : 0,
          static_cast<double>(exact) / static_cast<double>(b.B)};
}

Evaluation evaluate(nn::Transformer& model, const tasks::Task& task, std::int64_t n,
                    std::int64_t chunk, Generator& gen, const std::function<bool()>& stop) {
  NoGradGuard no_grad;
  model.eval();
  Evaluation e;
  std::int64_t done = 0;
  while (done < n) {
    if (stop()) {
      e.complete = false;
      break;
    }
    const std::int64_t rows = std::min(chunk, n - done);
    const Score s = score(model, task.sample(rows, gen));
    const double w = static_cast<double>(rows) / static_cast<double>(n);
    e.score.loss += w * s.loss, e.score.acc += w * s.acc, e.score.exact += w * s.exact;
    done += rows;
  }
  model.train();
  return e;
}

void apply_gradients(nn::Transformer& model, optim::Optimizer& opt, double clip,
                     std::int64_t step) {
  for (const auto& [name, p] : model.named_parameters()) {
    if (!p.grad().defined()) continue;
    for (double g : p.grad().to_vector())
      if (!std::isfinite(g)) {
        opt.zero_grad();  // nothing of this step reaches the weights
        throw NonFiniteGradient("step " + std::to_string(step) + ": the gradient of '" + name +
                                "' is " + (std::isnan(g) ? "NaN" : "infinite") +
                                " (the first parameter with a gradient that is not finite); the "
                                "weights were not updated");
      }
  }
  if (clip > 0) optim::clip_grad_norm(model.parameters(), clip);
  opt.step();
  opt.zero_grad();
}

double train_step(nn::Transformer& model, optim::Optimizer& opt, const tasks::Batch& b, double clip,
                  std::int64_t step) {
  Tensor loss = batch_loss(model, b);
  loss.backward();
  apply_gradients(model, opt, clip, step);
  return loss.item();
}

// The terms, in bytes (float32 = 4):
//   parameters: weight, gradient and AdamW's two moments, 16 per parameter;
//   the causal masks, one (max_seq, max_seq) per layer;
//   attention's working buffers, two (T, T) per thread (ops_attention.cpp: P and dS);
//   per token, what the forward keeps for backward: per layer about 9 d (norms, q/k/v,
//   attention output, projections, residuals) and 2 h (the FFN's hidden layer, gate and up),
//   and 3 vocab for the logits and the loss, plus the embeddings. The peak, while backward
//   walks the tape, holds those and the gradients being made: measured at 1.1 to 1.4 times
//   the forward's share over widths 64-256, 2-4 layers, 32-1024 tokens (training.md), so 1.3;
//   and the program itself, its libraries and the allocator's pools, about 16 MB.
double estimate_peak_bytes(const nn::ModelConfig& c, std::int64_t batch, int threads) {
  const double d = static_cast<double>(c.hidden_size), L = static_cast<double>(c.num_hidden_layers),
               V = static_cast<double>(c.vocab_size),
               T = static_cast<double>(c.max_position_embeddings);
  const double h = static_cast<double>(
      c.intermediate_size > 0
          ? c.intermediate_size
          : (nn::is_gated(c.ffn) ? nn::llama_hidden_size(c.hidden_size, c.multiple_of)
                                 : 4 * c.hidden_size));
  // With experts: E of them plus the router per layer; a token passes through k, each keeping
  // its gathered input, hidden layer (gate, up, product) and weighted output.
  const double E = static_cast<double>(c.num_local_experts),
               k = static_cast<double>(c.num_experts_per_tok);
  const double ffn_params =
      c.num_local_experts > 0 ? E * (3 * d * h + d) : (nn::is_gated(c.ffn) ? 3 : 2) * d * h;
  // A dense FFN keeps its projections (2 of width h) for backward, and its hidden layer too
  // unless it recomputes it (FFNMemory::Recompute); under Checkpoint, nothing but its input.
  const double dense_ffn = c.ffn_memory == nn::FFNMemory::Keep        ? 3 * h
                           : c.ffn_memory == nn::FFNMemory::Recompute ? 2 * h
                                                                      : 0;
  const double ffn_per_token = c.num_local_experts > 0 ? k * (3 * h + 3 * d) + E : dense_ffn;
  const double params = L * (4 * d * d + ffn_params) + 2 * V * d + T * d;
  const double per_token = L * (9 * d + ffn_per_token) + 3 * V + 2 * d;
  const double tokens = static_cast<double>(batch) * T;
  return 16e6 + 16 * params + 4 * L * T * T + 8 * threads * T * T + 1.3 * 4 * per_token * tokens;
}

}  // namespace tg::training
