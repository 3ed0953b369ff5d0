// core/grad.cpp — see grad.hpp. The passes are Tape::backward's own; what this adds is reading the
// inputs' gradients off and putting every .grad back as it was.
#include "core/grad.hpp"

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
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    saved[i] = inputs[i].grad();
    inputs[i].zero_grad();
  }
  auto restore = [&] {
    for (std::size_t i = 0; i < inputs.size(); ++i) inputs[i].impl()->grad = saved[i];
  };
  try {
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

}  // namespace tg
