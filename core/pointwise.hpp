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

#include "core/kernels.hpp"
#include "core/ops.hpp"
#include "core/tape.hpp"

namespace tg {

template <class F, class DF>
Tensor pointwise(const char* op, const Tensor& x, F f, DF df) {
  Tensor out = empty(x.shape(), x.dtype());  // every element is written
  dispatch(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    kernels::map(x.data<T>(), out.data<T>(), x.numel(), [&](T v) { return static_cast<T>(f(v)); });
  });
  return record_first_order(op, {x}, out, [x, df](const Tensor& g) {
    Tensor dx = empty(x.shape(), x.dtype());
    dispatch(x.dtype(), [&](auto zero) {
      using T = decltype(zero);
      const T* px = x.data<T>();
      const T* pg = g.data<T>();
      T* pd = dx.data<T>();
      const std::int64_t n = x.numel();  // read once: a call in the loop's test stops vectorising
      for (std::int64_t i = 0; i < n; ++i) pd[i] = pg[i] * static_cast<T>(df(px[i]));
    });
    accumulate_grad(x, std::move(dx));
  });
}

}  // namespace tg
