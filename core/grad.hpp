// core/grad.hpp — gradients as values: tg::grad, PyTorch's torch.autograd.grad.
//
// Layer: core. Tensor::backward accumulates into every leaf's .grad; grad() instead returns
// d(outputs)/d(inputs) for the inputs asked for, and leaves every .grad as it was. With
// create_graph the backward pass is itself recorded (tape.hpp), so the gradients returned have
// a history and can be differentiated again: grad(grad(f)) is the second derivative. The whole
// idea, drawn and measured, is docs/higher-order.md.
#pragma once

#include <functional>
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

// Helpers built on grad() with create_graph, for a function f of one tensor. Each copies x to a
// fresh leaf, so x itself needs no requires_grad and its .grad is untouched. Costs are in passes
// over f's graph (a forward, a backward) and measured in bench (docs/higher-order.md).

// The Hessian-vector product H v of a scalar f at x (v of x's shape), by double backward:
// g = grad(f(x), x) with create_graph, then grad(<g, v>, x). One forward and two backward passes,
// the second over the first's graph too.
Tensor hvp(const std::function<Tensor(const Tensor&)>& f, const Tensor& x, const Tensor& v);

// The Hessian of a scalar f at x, shape (n, n) for x of n elements: one first-order backward,
// then one backward of its graph per row (grad of g[i]). For small x only.
Tensor hessian(const std::function<Tensor(const Tensor&)>& f, const Tensor& x);

// The Jacobian-vector product J v of f at x (forward mode, v of x's shape, J v of f(x)'s shape)
// by the double-vjp trick: with u of f(x)'s shape requiring grad, h(u) = grad(f(x), x, u) = J^T u
// is linear in u, and grad(<h(u), v>, u) = J v. One forward and two backward passes.
Tensor jvp(const std::function<Tensor(const Tensor&)>& f, const Tensor& x, const Tensor& v);

}  // namespace tg
