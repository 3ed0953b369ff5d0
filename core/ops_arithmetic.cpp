// core/ops_arithmetic.cpp — add, sub, mul, div and neg, each forward followed by its backward.
//
// Layer: core. Shapes: out has the broadcast shape of the inputs (shape.hpp); a gradient handed
// to accumulate_grad may have that broadcast shape, and accumulate_grad sums it back down.
// Backward functions run with recording off, so they may freely use these same ops. (The
// operators a + b, a * 2.0, ... that call these are in tensor_methods.cpp.)
#include "core/create_graph.hpp"
#include "core/elementwise.hpp"
#include "core/ops.hpp"
#include "core/tape.hpp"

namespace tg {

using elementwise::binary;
using elementwise::unary;

Tensor add(const Tensor& a, const Tensor& b) {
  Tensor out = binary("add", a, b, [](auto x, auto y) { return x + y; });
  // d(a+b)/da = d(a+b)/db = 1: both inputs receive g itself. The last to receive it may keep it
  // (when the tape hands it over: take_gradient, core/handover.hpp): a residual connection's backward then copies
  // one gradient, not two.
  return record("add", {a, b}, out, [a, b](Tensor&& g) {
    if (!b.requires_grad()) return accumulate_grad(a, std::move(g));
    accumulate_grad(a, g);  // a copy (if a wants one): g itself goes on to b
    accumulate_grad(b, std::move(g));
  });
}

Tensor sub(const Tensor& a, const Tensor& b) {
  Tensor out = binary("sub", a, b, [](auto x, auto y) { return x - y; });
  return record("sub", {a, b}, out, [a, b](Tensor&& g) {
    if (b.requires_grad()) accumulate_grad(b, neg(g));  // d(a-b)/db = -1
    accumulate_grad(a, std::move(g));                   // d(a-b)/da = 1
  });
}

Tensor mul(const Tensor& a, const Tensor& b) {
  Tensor out = binary("mul", a, b, [](auto x, auto y) { return x * y; });
  // Each input's gradient is computed only if that input wants one (x * 2.0 needs no gradient
  // for the 2.0): PyTorch's needs_input_grad.
  return record("mul", {a, b}, out, [a, b](const Tensor& g) {
    if (a.requires_grad()) accumulate_grad(a, mul(g, b));  // d(ab)/da = b
    if (b.requires_grad()) accumulate_grad(b, mul(g, a));  // d(ab)/db = a
  });
}

Tensor div(const Tensor& a, const Tensor& b) {
  Tensor out = binary("div", a, b, [](auto x, auto y) { return x / y; });
  // The backward uses the output: kept as a SavedOutput (core/create_graph.hpp), its data for a
  // first-order pass and the output itself, with its history, for create_graph.
  return record("div", {a, b}, out, [a, b, q = SavedOutput(out)](const Tensor& g) {
    const Tensor out = q.get([&] { return div(a, b); });
    if (a.requires_grad()) accumulate_grad(a, div(g, b));                 // d(a/b)/da = 1/b
    if (b.requires_grad()) accumulate_grad(b, neg(div(mul(g, out), b)));  // -a/b^2 = -out/b
  });
}

Tensor neg(const Tensor& x) {
  Tensor out = unary(x, [](auto v) { return -v; });
  return record("neg", {x}, out, [x](const Tensor& g) { accumulate_grad(x, neg(g)); });
}

}  // namespace tg
