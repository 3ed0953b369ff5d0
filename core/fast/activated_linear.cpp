// core/fast/activated_linear.cpp — see activated_linear.hpp (fast floor; twin: FFNMemory::Recompute
// in layers/ffn.cpp; test: "the FFN's recomputing down projection equals the readable one").
#include "core/create_graph.hpp"
#include "core/fast/activated_linear.hpp"

#include <vector>

#include "core/error.hpp"
#include "core/fast/gate_kernels.hpp"
#include "core/ops.hpp"
#include "core/tape.hpp"

namespace tg::fast {

namespace {

// z = act(a) * b, or act(a) without b: the hidden layer, with gated()'s own loop.
Tensor hidden_layer(const Tensor& a, const Tensor& b, GateActivation act) {
  Tensor z = empty(a.shape(), a.dtype());
  dispatch(a.dtype(), [&](auto zero) {
    using T = decltype(zero);
    gate_kernels::gated_forward(act, a.data<T>(), b.defined() ? b.data<T>() : nullptr, z.data<T>(),
                                z.numel());
  });
  return z;
}

}  // namespace

Tensor activated_linear(const Tensor& a, const Tensor& b, const Tensor& weight, const Tensor& bias,
                        GateActivation act, CompositeFn composite) {
  const char* op = "activated_linear";
  if (a.dim() < 1 || weight.dim() != 2 || a.size(-1) != weight.size(1) ||
      (b.defined() && b.shape() != a.shape()))
    fail(op, "needs a (..., h), b like a or none, weight (out, h), got a ", a.shape(), ", b ",
         b.defined() ? to_string(b.shape()) : "none", ", weight ", weight.shape());
  if (a.dtype() != weight.dtype() || (b.defined() && b.dtype() != a.dtype()) ||
      (bias.defined() && bias.dtype() != a.dtype()))
    fail(op, "dtypes differ: a ", dtype_name(a.dtype()), ", weight ", dtype_name(weight.dtype()));
  const std::int64_t h = weight.size(1), out = weight.size(0);
  if (bias.defined() && bias.shape() != Shape{out})
    fail(op, "bias has shape ", bias.shape(), " but weight ", weight.shape(), " needs (", out,
         ",)");
  const std::int64_t rows = numel(Shape(a.shape().begin(), a.shape().end() - 1));
  Shape out_shape = a.shape();
  out_shape.back() = out;
  Tensor y;
  {
    NoGradGuard no_grad;                       // the pieces are this op's own, not ops on the tape
    const Tensor z = hidden_layer(a, b, act);  // freed at the end of this scope
    y = fast::batched_product(z.reshape({rows, h}), weight, false, true, &out_shape);  // z W^T
    if (bias.defined()) add_(y, bias);
  }
  std::vector<Tensor> inputs = {a};
  if (b.defined()) inputs.push_back(b);
  inputs.push_back(weight);
  if (bias.defined()) inputs.push_back(bias);
  return record_first_order(op, inputs, y, [a, b, weight, bias, act, rows, h, out](const Tensor& g) {
    const Tensor g2 = g.reshape({rows, out});
    Tensor z = hidden_layer(a, b, act);
    if (weight.requires_grad())  // dW = g^T z: (out, N)(N, h)
      accumulate_grad(weight, fast::batched_product(g2, z.reshape({rows, h}), true, false));
    if (bias.defined() && bias.requires_grad()) accumulate_grad(bias, sum(g2, 0));
    const bool want_b = b.defined() && b.requires_grad();
    if (!a.requires_grad() && !want_b) return;
    // dz = g W (N, h). Then da goes into z's buffer (z is not needed once dW is made) and db
    // into dz's own, with gated()'s backward loop: dz[i] is read before db[i] is written.
    Tensor dz = fast::batched_product(g2, weight, false, false, &a.shape());
    dispatch(a.dtype(), [&](auto zero) {
      using T = decltype(zero);
      gate_kernels::gated_backward(act, a.data<T>(), b.defined() ? b.data<T>() : nullptr,
                                   dz.data<T>(), z.data<T>(), dz.data<T>(), dz.numel());
    });
    accumulate_grad(a, std::move(z));
    if (b.defined()) accumulate_grad(b, std::move(dz));
  }, std::move(composite));
}

}  // namespace tg::fast
