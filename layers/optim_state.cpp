// layers/optim_state.cpp — what an optimizer remembers, saved and restored (optim.hpp).
//
// Layer: layers. optim.cpp holds the update rules; this file holds the rest of the optimizers'
// state handling, which a checkpoint (examples/run_checkpoint.cpp) needs and a reader of the
// rules does not: state_dict (the state as float64 tensors under PyTorch's names), init_state, and
// load_state_dict, which checks every entry (name, dtype, shape, finite, whole step counts,
// non-negative second moments) and changes nothing until all of them have passed.
#include <cmath>

#include "core/error.hpp"
#include "core/ops.hpp"
#include "layers/optim.hpp"

namespace tg::optim {

const Tensor* Optimizer::entry(const std::map<std::string, Tensor>& state, const std::string& name,
                               const Shape& shape, bool optional) const {
  const auto it = state.find(name);
  if (it == state.end()) {
    if (optional) return nullptr;
    fail("optimizer.load_state_dict", "missing \"", name, "\"");
  }
  const Tensor& t = it->second;
  if (t.dtype() != float64 || t.shape() != shape)
    fail("optimizer.load_state_dict", "\"", name, "\" must be float64 of shape ", to_string(shape),
         ", got ", dtype_name(t.dtype()), " ", to_string(t.shape()));
  for (double v : t.to_vector())
    if (!std::isfinite(v)) fail("optimizer.load_state_dict", "\"", name, "\" holds ", v);
  return &t;
}

std::map<std::string, Tensor> Optimizer::state_dict() const {
  return {{"step", scalar(static_cast<double>(t_), float64)}};
}

namespace {
// A step count read back from a float64 scalar: a whole number in [0, 2^53].
std::int64_t whole_steps(const Tensor& t, const std::string& name) {
  const double v = t.item();
  if (v < 0 || v > 9007199254740992.0 || v != std::floor(v))
    fail("optimizer.load_state_dict", "\"", name, "\" must be a whole number >= 0, got ", v);
  return static_cast<std::int64_t>(v);
}

Tensor as_tensor(const std::vector<double>& values, const Shape& shape) {
  return tensor(values, shape, float64);
}
}  // namespace

void Optimizer::load_state_dict(const std::map<std::string, Tensor>& state) {
  const std::int64_t t = whole_steps(*entry(state, "step", {}, false), "step");
  if (state.size() != 1)
    fail("optimizer.load_state_dict", "this optimizer keeps only \"step\", got ", state.size(),
         " entries");
  t_ = t;
}

std::map<std::string, Tensor> SGD::state_dict() const {
  std::map<std::string, Tensor> state = Optimizer::state_dict();
  const std::vector<Tensor> params = all_params();
  for (std::size_t i = 0; i < params.size(); ++i)
    if (!buffers_[i].empty())
      state.emplace("state." + std::to_string(i) + ".momentum_buffer",
                    as_tensor(buffers_[i], params[i].shape()));
  return state;
}

void SGD::load_state_dict(const std::map<std::string, Tensor>& state) {
  const std::int64_t t = whole_steps(*entry(state, "step", {}, false), "step");
  const std::vector<Tensor> params = all_params();
  std::size_t used = 1;
  std::vector<std::vector<double>> buffers(params.size());
  for (std::size_t i = 0; i < params.size(); ++i)
    if (const Tensor* b = entry(state, "state." + std::to_string(i) + ".momentum_buffer",
                                params[i].shape(), true)) {
      buffers[i] = b->to_vector();
      ++used;
    }
  if (used != state.size())
    fail("optimizer.load_state_dict", state.size() - used, " entries name no parameter of SGD");
  buffers_ = std::move(buffers);
  t_ = t;
}

void Adam::init_state() {
  for (std::size_t gi = 0; gi < groups_.size(); ++gi)
    for (std::size_t k = 0; k < groups_[gi].params.size(); ++k)
      if (m_[gi][k].empty())  // what step() does first: zeros, and 0 steps counted
        m_[gi][k].assign(static_cast<std::size_t>(groups_[gi].params[k].numel()), 0.0),
            v_[gi][k] = m_[gi][k];
}

std::map<std::string, Tensor> Adam::state_dict() const {
  std::map<std::string, Tensor> state = Optimizer::state_dict();
  std::size_t i = 0;
  for (std::size_t gi = 0; gi < groups_.size(); ++gi)
    for (std::size_t k = 0; k < groups_[gi].params.size(); ++k, ++i) {
      if (m_[gi][k].empty()) continue;  // never stepped: no state, as in PyTorch
      const Shape& shape = groups_[gi].params[k].shape();
      const std::string prefix = "state." + std::to_string(i) + ".";
      state.emplace(prefix + "exp_avg", as_tensor(m_[gi][k], shape));
      state.emplace(prefix + "exp_avg_sq", as_tensor(v_[gi][k], shape));
      state.emplace(prefix + "step", scalar(static_cast<double>(steps_[gi][k]), float64));
    }
  return state;
}

void Adam::load_state_dict(const std::map<std::string, Tensor>& state) {
  // Everything is read into new buffers first, so a bad entry changes nothing.
  const std::int64_t t = whole_steps(*entry(state, "step", {}, false), "step");
  auto m = m_, v = m_;
  auto steps = steps_;
  std::size_t i = 0, used = 1;  // "step" is used by Optimizer::load_state_dict
  for (std::size_t gi = 0; gi < groups_.size(); ++gi)
    for (std::size_t k = 0; k < groups_[gi].params.size(); ++k, ++i) {
      const Shape& shape = groups_[gi].params[k].shape();
      const std::string prefix = "state." + std::to_string(i) + ".";
      const Tensor* avg = entry(state, prefix + "exp_avg", shape, true);
      m[gi][k].clear(), v[gi][k].clear(), steps[gi][k] = 0;
      if (!avg) continue;
      const Tensor* avg_sq = entry(state, prefix + "exp_avg_sq", shape, false);
      const Tensor* count = entry(state, prefix + "step", {}, false);
      m[gi][k] = avg->to_vector();
      v[gi][k] = avg_sq->to_vector();
      for (double x : v[gi][k])
        if (x < 0) fail("optimizer.load_state_dict", "\"", prefix, "exp_avg_sq\" is negative");
      steps[gi][k] = whole_steps(*count, prefix + "step");
      // 0 steps is a state made by init_state, before any step: its moments must be zeros.
      if (steps[gi][k] == 0)
        for (std::size_t j = 0; j < m[gi][k].size(); ++j)
          if (m[gi][k][j] != 0 || v[gi][k][j] != 0)
            fail("optimizer.load_state_dict", "\"", prefix,
                 "step\" is 0, but its moments are not zeros");
      used += 3;
    }
  if (used != state.size())
    fail("optimizer.load_state_dict", state.size() - used, " entries name no parameter of Adam");
  m_ = std::move(m), v_ = std::move(v), steps_ = std::move(steps);
  t_ = t;
}

}  // namespace tg::optim
