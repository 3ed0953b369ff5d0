// layers/optim.cpp — the optimizers' update rules, the schedule and clipping (see optim.hpp).
// Saving and restoring what an optimizer remembers is in optim_state.cpp.
#include "layers/optim.hpp"

#include <cmath>
#include <numbers>

#include "core/error.hpp"
#include "core/ops.hpp"
#include "core/tape.hpp"

namespace tg::optim {

namespace {
// Calls fn(i, w, g) for every element: w the parameter's value (updated in place), g its
// gradient, both in double whatever the tensor's dtype. The loop runs on vectors when fn lets
// it: fn should read only locals and plain pointers besides its arguments (a member read through
// `this`, or a std::vector's data, might alias the weights, and the compiler must assume it does).
template <class Fn>
void for_elements(const Tensor& p, Fn fn) {
  dispatch(p.dtype(), [&](auto zero) {
    using T = decltype(zero);
    T* w = p.data<T>();
    const T* g = p.grad().data<T>();
    const std::int64_t n = p.numel();  // read once: a call in the loop's test stops vectorising
    for (std::int64_t i = 0; i < n; ++i) {
      double value = w[i];
      fn(static_cast<std::size_t>(i), value, static_cast<double>(g[i]));
      w[i] = static_cast<T>(value);
    }
  });
}
}  // namespace

std::vector<ParamGroup> decay_groups(const std::vector<std::pair<std::string, Tensor>>& named,
                                     double weight_decay) {
  ParamGroup decay{{}, weight_decay}, no_decay{{}, 0.0};
  for (const auto& [name, p] : named) (p.dim() >= 2 ? decay : no_decay).params.push_back(p);
  return {decay, no_decay};
}

Optimizer::Optimizer(std::vector<ParamGroup> groups, double lr_)
    : lr(lr_), groups_(std::move(groups)) {
  if (!(lr_ >= 0)) fail("optimizer", "learning rate must be >= 0, got ", lr_);
  for (const ParamGroup& g : groups_)
    for (const Tensor& p : g.params)
      if (!p.is_leaf() || !p.requires_grad())
        fail("optimizer", "parameters must be leaves that require grad");
}

void Optimizer::zero_grad() {
  for (const ParamGroup& g : groups_)
    for (const Tensor& p : g.params) p.zero_grad();
}

std::vector<Tensor> Optimizer::all_params() const {
  std::vector<Tensor> all;
  for (const ParamGroup& g : groups_) all.insert(all.end(), g.params.begin(), g.params.end());
  return all;
}

SGD::SGD(std::vector<Tensor> params, SGDOptions o)
    : Optimizer({ParamGroup{std::move(params), o.weight_decay}}, o.lr), momentum_(o.momentum) {
  buffers_.resize(groups_[0].params.size());
}

void SGD::step() {
  ++t_;
  const ParamGroup& group = groups_[0];
  for (std::size_t k = 0; k < group.params.size(); ++k) {
    const Tensor& p = group.params[k];
    if (!p.grad().defined()) continue;
    std::vector<double>& buf = buffers_[k];
    const bool first = buf.empty();
    if (momentum_ != 0 && first) buf.resize(static_cast<std::size_t>(p.numel()));
    for_elements(p, [&](std::size_t i, double& w, double g) {
      g += group.weight_decay * w;
      if (momentum_ != 0) g = buf[i] = first ? g : momentum_ * buf[i] + g;
      w -= lr * g;
    });
  }
}

Adam::Adam(std::vector<Tensor> params, AdamOptions o)
    : Adam({ParamGroup{std::move(params), o.weight_decay}}, o, false) {}

Adam::Adam(std::vector<ParamGroup> groups, AdamOptions o, bool decoupled)
    : Optimizer(std::move(groups), o.lr), o_(o), decoupled_(decoupled) {
  if (!(o.beta1 >= 0 && o.beta1 < 1 && o.beta2 >= 0 && o.beta2 < 1 && o.eps >= 0))
    fail("Adam", "needs 0 <= beta1, beta2 < 1 and eps >= 0");
  for (const ParamGroup& g : groups_) {
    m_.emplace_back(g.params.size());
    v_.emplace_back(g.params.size());
    steps_.emplace_back(g.params.size(), 0);
  }
}

void Adam::step() {
  ++t_;
  for (std::size_t gi = 0; gi < groups_.size(); ++gi) {
    const ParamGroup& group = groups_[gi];
    for (std::size_t k = 0; k < group.params.size(); ++k) {
      const Tensor& p = group.params[k];
      if (!p.grad().defined()) continue;
      std::vector<double>& m = m_[gi][k];
      std::vector<double>& v = v_[gi][k];
      if (m.empty()) m.assign(static_cast<std::size_t>(p.numel()), 0.0), v = m;
      const auto t = static_cast<double>(++steps_[gi][k]);
      const double correction1 = 1 - std::pow(o_.beta1, t), correction2 = 1 - std::pow(o_.beta2, t);
      // Local constants and plain pointers, so that the loop runs on vectors (8 doubles at a
      // time with AVX-512; see for_elements). Same arithmetic in the same order, same numbers.
      const double rate = lr, decay = group.weight_decay, beta1 = o_.beta1, beta2 = o_.beta2,
                   eps = o_.eps;
      const bool decoupled = decoupled_;
      double* mp = m.data();
      double* vp = v.data();
      // course ex11 begin: one Adam (and AdamW) step on every element
      for_elements(p, [=](std::size_t i, double& w, double g) {
        if (decoupled)
          w -= rate * decay * w;  // AdamW: shrink the weight itself
        else
          g += decay * w;  // Adam: L2 penalty through the gradient
        mp[i] = beta1 * mp[i] + (1 - beta1) * g;
        vp[i] = beta2 * vp[i] + (1 - beta2) * g * g;
        w -= rate * (mp[i] / correction1) / (std::sqrt(vp[i] / correction2) + eps);
      });
      // course ex11 end
    }
  }
}

AdamW::AdamW(std::vector<Tensor> params, AdamOptions o)
    : Adam({ParamGroup{std::move(params), o.weight_decay}}, o, true) {}

AdamW::AdamW(std::vector<ParamGroup> groups, AdamOptions o) : Adam(std::move(groups), o, true) {}

double warmup_cosine(std::int64_t step, std::int64_t warmup, std::int64_t total, double max_lr,
                     double min_lr) {
  if (step < warmup) return max_lr * static_cast<double>(step + 1) / static_cast<double>(warmup);
  if (step >= total || total <= warmup) return min_lr;
  const double progress = static_cast<double>(step - warmup) / static_cast<double>(total - warmup);
  return min_lr + 0.5 * (max_lr - min_lr) * (1 + std::cos(std::numbers::pi * progress));
}

double clip_grad_norm(const std::vector<Tensor>& params, double max_norm) {
  double total = 0;
  for (const Tensor& p : params)
    if (p.grad().defined())
      for (double g : p.grad().to_vector()) total += g * g;
  total = std::sqrt(total);
  // An inf or NaN gradient makes the norm inf or NaN, and scaling by max_norm / inf = 0 or by NaN
  // would turn every gradient into 0 * inf = NaN: leave them as they are and let the caller see
  // the norm (PyTorch's error_if_nonfinite; examples/training.cpp stops the step).
  if (!std::isfinite(total)) return total;
  const double scale = max_norm / (total + 1e-6);  // PyTorch's formula
  if (scale >= 1) return total;
  for (const Tensor& p : params) {
    if (!p.grad().defined()) continue;
    dispatch(p.dtype(), [&](auto zero) {
      using T = decltype(zero);
      T* g = p.grad().data<T>();
      for (std::int64_t i = 0; i < p.numel(); ++i) g[i] = static_cast<T>(g[i] * scale);
    });
  }
  return total;
}

}  // namespace tg::optim
