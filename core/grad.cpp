// core/grad.cpp — see grad.hpp. The passes are Tape::backward's own; what this adds is reading the
// inputs' gradients off and putting every .grad back as it was.
#include "core/grad.hpp"

#include "core/create_graph.hpp"
#include "core/error.hpp"
#include "core/ops.hpp"
#include "core/tape.hpp"

namespace tg {

std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs, bool create_graph,
                         std::optional<bool> retain_graph, bool allow_unused) {
  const bool retain = retain_graph.value_or(create_graph);
  if (outputs.empty()) fail("grad", "no outputs to differentiate");
  if (!grad_outputs.empty() && grad_outputs.size() != outputs.size())
    fail("grad", grad_outputs.size(), " grad_outputs for ", outputs.size(), " outputs");
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].defined()) fail("grad", "input ", i, " is an undefined tensor");
    if (!inputs[i].requires_grad())
      fail("grad", "input ", i, " (shape ", inputs[i].shape(),
           ") does not require grad, so no gradient can reach it");
  }

  // Every input's .grad is set aside, so that the passes below start from nothing and the
  // caller's gradients come back untouched, even if a pass throws.
  std::vector<Tensor> saved(inputs.size()), result(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) saved[i] = inputs[i].grad();  // all, then zero:
  for (const Tensor& input : inputs) input.zero_grad();  // an input may be listed twice
  auto restore = [&] {
    for (std::size_t i = 0; i < inputs.size(); ++i) inputs[i].impl()->grad = saved[i];
  };
  try {
    OnlyLeavesScope only(current_tape(), inputs);  // no other leaf's .grad is touched
    for (std::size_t k = 0; k < outputs.size(); ++k) {
      const Tensor seed = grad_outputs.empty() ? Tensor() : grad_outputs[k];
      // One pass per output; all but the last keep the graph for the next.
      outputs[k].backward(seed, retain || k + 1 < outputs.size(), create_graph);
      // Read each input's gradient off after every pass (an intermediate's is cleared when
      // the next pass starts), and sum over the outputs.
      for (std::size_t i = 0; i < inputs.size(); ++i) {
        const Tensor g = inputs[i].grad();
        if (!g.defined()) continue;
        result[i] = !result[i].defined() ? g : add(result[i], g);
        inputs[i].zero_grad();
      }
    }
    // An input listed twice gets the same gradient in both places.
    for (std::size_t i = 0; i < inputs.size(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (inputs[j].impl() == inputs[i].impl()) result[i] = result[j];
  } catch (...) {
    restore();
    throw;
  }
  restore();
  for (std::size_t i = 0; i < inputs.size(); ++i)
    if (!result[i].defined() && !allow_unused)
      fail("grad", "input ", i, " (shape ", inputs[i].shape(),
           ") is not reached from the outputs; pass allow_unused = true to get an undefined "
           "gradient for it instead");
  return result;
}

namespace {
Tensor fresh_leaf(const Tensor& x) {
  Tensor leaf = x.detach().clone();
  leaf.requires_grad_(true);
  return leaf;
}
void check_like(const char* op, const char* name, const Tensor& v, const Tensor& like) {
  if (!v.defined() || v.shape() != like.shape() || v.dtype() != like.dtype())
    fail(op, name, " must have shape ", like.shape(), " and dtype ", dtype_name(like.dtype()),
         v.defined() ? ", got shape " : ", got an undefined tensor",
         v.defined() ? to_string(v.shape()) : std::string());
}
}  // namespace

Tensor hvp(const std::function<Tensor(const Tensor&)>& f, const Tensor& x, const Tensor& v) {
  check_like("hvp", "v", v, x);
  const Tensor leaf = fresh_leaf(x);
  const Tensor y = f(leaf);
  if (y.numel() != 1) fail("hvp", "f must return one number, got shape ", y.shape());
  const Tensor g = grad({y}, {leaf}, {}, /*create_graph=*/true)[0];
  // <g, v> = v^T grad f; its gradient is H v (H symmetric). If g has no history (f linear in
  // x), H = 0.
  if (!g.requires_grad()) return zeros_like(x);
  const Tensor hv = grad({sum(mul(g, v.detach()))}, {leaf}, {}, false, std::nullopt, true)[0];
  return hv.defined() ? hv : zeros_like(x);
}

Tensor hessian(const std::function<Tensor(const Tensor&)>& f, const Tensor& x) {
  const Tensor leaf = fresh_leaf(x);
  const Tensor y = f(leaf);
  if (y.numel() != 1) fail("hessian", "f must return one number, got shape ", y.shape());
  const std::int64_t n = x.numel();
  const Tensor g = grad({y}, {leaf}, {}, /*create_graph=*/true)[0].reshape({n});
  Tensor h = zeros({n, n}, x.dtype());
  for (std::int64_t i = 0; i < n; ++i) {
    if (!g.requires_grad()) break;  // f linear in x: H = 0
    const Tensor row = grad({slice(g, 0, i, i + 1).sum()}, {leaf}, {}, false,
                            /*retain_graph=*/i + 1 < n, /*allow_unused=*/true)[0];
    if (!row.defined()) continue;
    const std::vector<double> r = row.to_vector();
    for (std::int64_t j = 0; j < n; ++j) h.set({i, j}, r[static_cast<std::size_t>(j)]);
  }
  return h;
}

Tensor jvp(const std::function<Tensor(const Tensor&)>& f, const Tensor& x, const Tensor& v) {
  check_like("jvp", "v", v, x);
  const Tensor leaf = fresh_leaf(x);
  const Tensor y = f(leaf);
  Tensor u = zeros(y.shape(), y.dtype());  // any value: J^T u is linear in u
  u.requires_grad_(true);
  const Tensor jt_u = grad({y}, {leaf}, {u}, /*create_graph=*/true, std::nullopt, true)[0];
  if (!jt_u.defined() || !jt_u.requires_grad()) return zeros_like(y);  // f does not depend on x
  const Tensor jv = grad({sum(mul(jt_u, v.detach()))}, {u}, {}, false, std::nullopt, true)[0];
  return jv.defined() ? jv : zeros_like(y);
}

}  // namespace tg
