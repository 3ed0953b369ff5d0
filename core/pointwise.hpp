// core/pointwise.hpp — an elementwise op defined by a function and its derivative.
//
// Layer: core. Most activations are y = f(x) applied to every element, with a known f'. Given
// both, pointwise() makes a fused op: the forward loop computes f, and the record keeps only x,
// so that backward computes dx = g * f'(x) in one loop. The formula and its derivative sit side
// by side where the activation is defined, for instance
//
//   pointwise("tanh", x, [](auto v) { return std::tanh(v); },
//                        [](auto v) { auto t = std::tanh(v); return 1 - t * t; });
//
// f and df are generic lambdas, called with float or double.
#pragma once

#include "core/create_graph.hpp"
#include "core/kernels.hpp"
#include "core/ops.hpp"
#include "core/tape.hpp"

namespace tg {

namespace detail {
// out = f(x), one loop.
template <class F>
Tensor pointwise_values(const Tensor& x, F f) {
  Tensor out = empty(x.shape(), x.dtype());  // every element is written
  dispatch(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    kernels::map(x.data<T>(), out.data<T>(), x.numel(), [&](T v) { return static_cast<T>(f(v)); });
  });
  return out;
}
// dx = g * df(x), one loop.
template <class DF>
Tensor pointwise_grad(const Tensor& x, const Tensor& g, DF df) {
  Tensor dx = empty(x.shape(), x.dtype());
  dispatch(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* px = x.data<T>();
    const T* pg = g.data<T>();
    T* pd = dx.data<T>();
    const std::int64_t n = x.numel();  // read once: a call in the loop's test stops vectorising
    for (std::int64_t i = 0; i < n; ++i) pd[i] = pg[i] * static_cast<T>(df(px[i]));
  });
  return dx;
}
}  // namespace detail

// Differentiable once: under create_graph its backward is an error naming the op (tape.hpp).
template <class F, class DF>
Tensor pointwise(const char* op, const Tensor& x, F f, DF df) {
  Tensor out = detail::pointwise_values(x, f);
  return record_first_order(op, {x}, out, [x, df](const Tensor& g) {
    accumulate_grad(x, detail::pointwise_grad(x, g, df));
  });
}

// Twice differentiable: given f'' too. The first-order backward is the same one loop; under
// create_graph (docs/higher-order.md) it is g * f'(x) with f'(x) computed by a pointwise op of
// its own, `slope_op`, whose derivative is f''. (A third derivative through it is an error
// naming slope_op.)
template <class F, class DF, class D2F>
Tensor pointwise(const char* op, const char* slope_op, const Tensor& x, F f, DF df, D2F d2f) {
  Tensor out = detail::pointwise_values(x, f);
  return record(op, {x}, out, [x, df, d2f, slope_op](const Tensor& g) {
    if (is_creating_graph()) return accumulate_grad(x, mul(g, pointwise(slope_op, x, df, d2f)));
    accumulate_grad(x, detail::pointwise_grad(x, g, df));
  });
}

}  // namespace tg
