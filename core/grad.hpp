// core/grad.hpp — gradients as values: tg::grad, PyTorch's torch.autograd.grad.
//
// Layer: core. Tensor::backward accumulates into every leaf's .grad; grad() instead returns
// d(outputs)/d(inputs) for the inputs asked for, and leaves every .grad as it was. With
// create_graph the backward pass is itself recorded (tape.hpp), so the gradients returned have
// a history and can be differentiated again: grad(grad(f)) is the second derivative. The whole
// idea, drawn and measured, is docs/higher-order.md.
#pragma once

#include <optional>
#include <vector>

#include "core/tensor.hpp"

namespace tg {

// d(sum_k <grad_outputs[k], outputs[k]>)/d(inputs[i]) for each i, as PyTorch's
// torch.autograd.grad(outputs, inputs, grad_outputs, retain_graph, create_graph,
// allow_unused). grad_outputs[k] has outputs[k]'s shape; it may be left out (all of it, or one
// undefined Tensor) for a one-element output, meaning 1. retain_graph defaults to create_graph.
// inputs may be leaves or intermediate tensors; each must require grad.
// Throws tg::Error naming the argument: an input that does not require grad, a grad_outputs of
// the wrong count or shape, and, unless allow_unused, an input the outputs do not depend on (its
// place in the result is then an undefined Tensor).
std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs = {}, bool create_graph = false,
                         std::optional<bool> retain_graph = std::nullopt, bool allow_unused = false);

}  // namespace tg
