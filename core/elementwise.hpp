// core/elementwise.hpp — the loops every elementwise op is made of: out = f(x), and out = f(a, b)
// with broadcasting (shape.hpp).
//
// Layer: core. Used by ops_arithmetic.cpp, ops_elementwise.cpp and tensor_methods.cpp (a + 2.0);
// nothing here is recorded, so each op records itself.
#pragma once

#include "core/error.hpp"
#include "core/kernels.hpp"
#include "core/ops.hpp"
#include "core/tensor.hpp"

namespace tg::elementwise {

inline void check_same_dtype(const char* op, const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype())
    fail(op, "dtypes differ: ", dtype_name(a.dtype()), " ", a.shape(), " and ",
         dtype_name(b.dtype()), " ", b.shape(), "; convert one with .to()");
}

// out = f(x) for every element; f is a generic lambda called with float or double.
template <class F>
Tensor unary(const Tensor& x, F f) {
  Tensor out = empty(x.shape(), x.dtype());
  dispatch(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    kernels::map(x.data<T>(), out.data<T>(), x.numel(), [&](T v) { return static_cast<T>(f(v)); });
  });
  return out;
}

// out = f(a, b) with broadcasting.
template <class F>
Tensor binary(const char* op, const Tensor& a, const Tensor& b, F f) {
  check_same_dtype(op, a, b);
  const Shape shape = broadcast_shapes(op, a.shape(), b.shape());
  Tensor out = empty(shape, a.dtype(), op);
  dispatch(a.dtype(), [&](auto zero) {
    using T = decltype(zero);
    kernels::map_broadcast(a.data<T>(), a.shape(), b.data<T>(), b.shape(), out.data<T>(), shape,
                           [&](T u, T v) { return static_cast<T>(f(u, v)); });
  });
  return out;
}

// cond != 0 ? a : b elementwise; all three already have the same shape.
inline Tensor select(const Tensor& cond, const Tensor& a, const Tensor& b) {
  Tensor out = zeros(a.shape(), a.dtype());
  dispatch(a.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T *c = cond.data<T>(), *pa = a.data<T>(), *pb = b.data<T>();
    T* o = out.data<T>();
    for (std::int64_t i = 0; i < out.numel(); ++i) o[i] = c[i] != T(0) ? pa[i] : pb[i];
  });
  return out;
}

// A double as a 0-d tensor of t's dtype: a + 2.0 is add(a, scalar(2.0, a.dtype())).
inline Tensor like_scalar(double value, const Tensor& t) {
  return scalar(value, t.dtype());
}

}  // namespace tg::elementwise
