// layers/optim.hpp — optimizers, the learning-rate schedule and gradient clipping.
//
// Layer: layers (namespace tg::optim). An optimizer holds handles to parameters (leaves that
// require grad) and, in step(), updates them in place from their .grad(), with recording off.
// Parameters whose gradient is undefined (no path from the loss) are skipped, as in PyTorch.
//
//   SGD:   g = grad + wd p;  b = mu b + g (b = g at the first step);  p -= lr b
//   Adam:  g = grad + wd p;  m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
//          p -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
//   AdamW: p -= lr wd p  (decoupled: decay does not pass through m and v), then Adam with wd = 0
//
// These are PyTorch's update rules (torch.optim.SGD/Adam/AdamW), so with the same gradients the
// same numbers come out.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/tensor.hpp"

namespace tg::optim {

// Parameters that share hyper-parameters; only weight decay varies between groups here.
struct ParamGroup {
  std::vector<Tensor> params;
  double weight_decay = 0.0;
};

// The usual split for AdamW: matrices (Linear weights, embeddings) decay; vectors (norm weights,
// biases) and scalars do not, since shrinking a norm's gain or a bias towards 0 is not a sensible
// prior.
std::vector<ParamGroup> decay_groups(const std::vector<std::pair<std::string, Tensor>>& named,
                                     double weight_decay);

class Optimizer {
 public:
  explicit Optimizer(std::vector<ParamGroup> groups, double lr);
  virtual ~Optimizer() = default;
  virtual void step() = 0;
  void zero_grad();  // every parameter's grad becomes undefined
  double lr;         // read each step, so a schedule may change it between steps
  std::int64_t steps_taken() const { return t_; }

  // ---- saving and restoring (layers/optim_state.cpp) ----
  // Everything step() remembers, as float64 tensors named like PyTorch's optimizer state:
  // "step", and per parameter (numbered 0, 1, ... through the groups in order)
  // "state.<i>.exp_avg", "state.<i>.exp_avg_sq" and "state.<i>.step" for Adam,
  // "state.<i>.momentum_buffer" for SGD. Saved with the weights, it lets a resumed run take
  // exactly the steps the uninterrupted one would have. load_state_dict checks every name and
  // shape and throws tg::Error (naming the entry) before changing anything.
  virtual std::map<std::string, Tensor> state_dict() const;
  virtual void load_state_dict(const std::map<std::string, Tensor>& state);
  // Creates every parameter's state now, as its first step would (Adam: zero moments, 0 steps),
  // so that a checkpoint saved before the first step is as large as every later one, and a disk
  // too small for those is found before any training (train_transformer). The steps that follow
  // compute exactly what they would have. A no-op for optimizers without such state.
  virtual void init_state() {}

 protected:
  // The parameters of all groups in order, the numbering that state_dict uses.
  std::vector<Tensor> all_params() const;
  // Checks an entry of a state being loaded: present (unless optional), float64, `shape`, finite.
  const Tensor* entry(const std::map<std::string, Tensor>& state, const std::string& name,
                      const Shape& shape, bool optional) const;

  std::vector<ParamGroup> groups_;
  std::int64_t t_ = 0;
};

struct SGDOptions {
  double lr = 0.01, momentum = 0.0, weight_decay = 0.0;
};
class SGD : public Optimizer {
 public:
  SGD(std::vector<Tensor> params, SGDOptions o = {});
  void step() override;
  std::map<std::string, Tensor> state_dict() const override;
  void load_state_dict(const std::map<std::string, Tensor>& state) override;

 private:
  double momentum_;
  std::vector<std::vector<double>> buffers_;  // per parameter; empty until its first step
};

struct AdamOptions {
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.0;
};

// Adam (decoupled = false: L2 decay added to the gradient) and AdamW (decoupled = true).
class Adam : public Optimizer {
 public:
  Adam(std::vector<Tensor> params, AdamOptions o = {});
  Adam(std::vector<ParamGroup> groups, AdamOptions o, bool decoupled);
  void step() override;
  std::map<std::string, Tensor> state_dict() const override;
  void load_state_dict(const std::map<std::string, Tensor>& state) override;
  void init_state() override;

 private:
  AdamOptions o_;
  bool decoupled_;
  // First and second moments per group and parameter, in double; empty until the first step.
  // Each parameter counts its own steps for the bias correction, as PyTorch does, so one that
  // first receives a gradient late is corrected as on its first step.
  std::vector<std::vector<std::vector<double>>> m_, v_;
  std::vector<std::vector<std::int64_t>> steps_;
};

class AdamW : public Adam {
 public:
  static AdamOptions with_decay(double weight_decay) {
    AdamOptions o;
    o.weight_decay = weight_decay;
    return o;
  }
  // weight_decay in the options applies to every parameter (as torch.optim.AdamW(params)).
  AdamW(std::vector<Tensor> params, AdamOptions o = with_decay(0.01));
  // Groups with their own decay, e.g. decay_groups(model.named_parameters(), 0.1).
  AdamW(std::vector<ParamGroup> groups, AdamOptions o);
};

// Linear warm-up from lr/warmup to max_lr over `warmup` steps, then cosine decay to min_lr at
// `total` steps (and min_lr after). step counts from 0.
double warmup_cosine(std::int64_t step, std::int64_t warmup, std::int64_t total, double max_lr,
                     double min_lr);

// Scales all gradients together so that their global L2 norm is at most max_norm (if larger).
// Returns the norm before clipping. Parameters without gradients are ignored. If a gradient holds
// inf or NaN, the norm is not finite and nothing is scaled: check the result before stepping.
double clip_grad_norm(const std::vector<Tensor>& params, double max_norm);

}  // namespace tg::optim
