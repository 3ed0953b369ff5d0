// core/fast/gated.cpp — the gated (GLU-family) ops with vectorised, threaded loops.
//
// Fast floor. Reference twin: gated, gated_slope and gated_halves in activations/glu.cpp (one
// plain loop each way over core/activation_math.hpp's formulas). Here the loops use
// gate_kernels.hpp's fast formulas (fast_math.hpp's exp, so they vectorise), the same-shape case
// is split over threads, and broadcasting is read in place instead of expanded first. Under
// create_graph, gated with one shape records the same products as the readable gated (gated and
// gated_slope, running these loops); broadcast, and gated_halves, differentiate their composite.
// Tests: "the fast gated ops equal the readable ones: flat, broadcast, halves" and "the fast
// gated_slope equals the readable one" (test_floors.cpp).
#include "core/activation_math.hpp"
#include "core/create_graph.hpp"
#include "core/error.hpp"
#include "core/fast/gate_kernels.hpp"
#include "core/fast/switch.hpp"
#include "core/kernels.hpp"
#include "core/ops.hpp"
#include "core/tape.hpp"

namespace tg::fast {

using gate_kernels::fast_value;
using gate_kernels::fast_value_and_grad;

Tensor gated(const Tensor& gate, const Tensor& value, GateActivation act, CompositeFn composite) {
  const char* op = gated_name(act);
  if (gate.dtype() != value.dtype())
    fail(op, "gate is ", dtype_name(gate.dtype()), " but value is ", dtype_name(value.dtype()));
  const Shape shape = broadcast_shapes(op, gate.shape(), value.shape());
  Tensor out = empty(shape, gate.dtype());
  // Same shapes (the FFN's case): a flat loop, split over threads when large.
  const bool flat = gate.shape() == value.shape();
  dispatch(gate.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T *pa = gate.data<T>(), *pv = value.data<T>();
    T* po = out.data<T>();
    if (flat) return gate_kernels::gated_forward(act, pa, pv, po, out.numel());
    with_gate_activation(act, [&](auto kind) {
      kernels::map_broadcast(pa, gate.shape(), pv, value.shape(), po, shape,
                             [&](T a, T v) { return fast_value(kind, a) * v; });
    });
  });
  if (flat)  // under create_graph, gated's backward as ops (activations/glu.cpp says how)
    return record(op, {gate, value}, out, [gate, value, act, composite](const Tensor& g) {
      if (is_creating_graph()) {
        if (value.requires_grad())  // g act(gate)
          accumulate_grad(value, gated(gate, g, act, composite));
        if (!gate.requires_grad()) return;
        // g value act'(gate); with the identity (bilinear) act' = 1, so it is g value itself:
        // a product, differentiable to any order, where gated_slope stops at act''.
        const Tensor gv = mul(g, value);
        accumulate_grad(gate, act == GateActivation::Identity ? gv : gated_slope(gate, gv, act));
        return;
      }
      Tensor dgate = empty(gate.shape(), gate.dtype()), dvalue = empty(gate.shape(), gate.dtype());
      dispatch(gate.dtype(), [&](auto zero) {
        using T = decltype(zero);
        gate_kernels::gated_backward(act, gate.data<T>(), value.data<T>(), g.data<T>(),
                                     dgate.data<T>(), dvalue.data<T>(), g.numel());
      });
      accumulate_grad(gate, std::move(dgate));
      accumulate_grad(value, std::move(dvalue));
    });
  // Broadcast: create_graph differentiates the composite form (record_first_order).
  return record_first_order(op, {gate, value}, out, [gate, value, act, shape](const Tensor& g) {
    Tensor dgate = empty(shape, gate.dtype()), dvalue = empty(shape, gate.dtype());
    dispatch(gate.dtype(), [&](auto zero) {
      using T = decltype(zero);
      const T *pa = gate.data<T>(), *pv = value.data<T>(), *pg = g.data<T>();
      T *da = dgate.data<T>(), *dv = dvalue.data<T>();
      // d/dvalue = g act(gate),  d/dgate = g value act'(gate)
      with_gate_activation(act, [&](auto kind) {
        auto element = [&](std::int64_t i, std::int64_t ia, std::int64_t iv) {
          T act_a, act_grad_a;
          fast_value_and_grad(kind, pa[ia], act_a, act_grad_a);
          dv[i] = pg[i] * act_a;
          da[i] = pg[i] * pv[iv] * act_grad_a;
        };
        kernels::for_each_broadcast(shape, broadcast_strides(gate.shape(), shape),
                                    broadcast_strides(value.shape(), shape), element);
      });
    });
    accumulate_grad(gate, std::move(dgate));
    accumulate_grad(value, std::move(dvalue));
  }, composite);
}

Tensor gated_slope(const Tensor& gate, const Tensor& value, GateActivation act) {
  Tensor out = empty(gate.shape(), gate.dtype());
  dispatch(gate.dtype(), [&](auto zero) {  // act'(gate) * value: gated's backward without value
    using T = decltype(zero);
    gate_kernels::gated_backward(act, gate.data<T>(), static_cast<const T*>(nullptr),
                                 value.data<T>(), out.data<T>(), static_cast<T*>(nullptr),
                                 out.numel());
  });
  return record_first_order("gated_slope", {gate, value}, out, [gate, value, act](const Tensor& g) {
    Tensor dgate = empty(gate.shape(), gate.dtype()), dvalue = empty(gate.shape(), gate.dtype());
    dispatch(gate.dtype(), [&](auto zero) {
      using T = decltype(zero);
      gate_kernels::slope_backward(act, gate.data<T>(), value.data<T>(), g.data<T>(),
                                   dgate.data<T>(), dvalue.data<T>(), g.numel());
    });
    accumulate_grad(gate, std::move(dgate));
    accumulate_grad(value, std::move(dvalue));
  });
}

Tensor gated_halves(const Tensor& x, GateActivation act, std::int64_t axis, HalfOrder order,
                    CompositeFn composite) {
  const char* op = gated_name(act);
  const int ax = normalize_axis(op, axis, x.dim());
  const kernels::AxisView xv = kernels::axis_view(x.shape(), ax);
  if (xv.n % 2 != 0)
    fail(op, "axis ", ax, " of shape ", x.shape(), " has odd size ", xv.n,
         "; it must split into two equal halves (value and gate)");
  const std::int64_t h = xv.n / 2;
  // Element (o, k, i) of the output reads gate (o, k + gate_at, i) and value (o, k + value_at, i).
  const std::int64_t gate_at = order == HalfOrder::GateFirst ? 0 : h;
  const std::int64_t value_at = h - gate_at;
  Shape out_shape = x.shape();
  out_shape[ax] = h;
  Tensor out = empty(out_shape, x.dtype());
  auto offset = [xv](std::int64_t o, std::int64_t k, std::int64_t i) {
    return (o * xv.n + k) * xv.inner + i;
  };
  dispatch(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* px = x.data<T>();
    T* po = out.data<T>();
    with_gate_activation(act, [&](auto kind) {
      for (std::int64_t o = 0; o < xv.outer; ++o)
        for (std::int64_t k = 0; k < h; ++k)
          for (std::int64_t i = 0; i < xv.inner; ++i)
            po[(o * h + k) * xv.inner + i] =
                fast_value(kind, px[offset(o, k + gate_at, i)]) * px[offset(o, k + value_at, i)];
    });
  });
  return record_first_order(op, {x}, out, [x, act, xv, h, gate_at, value_at, offset](const Tensor& g) {
    Tensor dx = empty(x.shape(), x.dtype());
    dispatch(x.dtype(), [&](auto zero) {
      using T = decltype(zero);
      const T *px = x.data<T>(), *pg = g.data<T>();
      T* pd = dx.data<T>();
      with_gate_activation(act, [&](auto kind) {
        for (std::int64_t o = 0; o < xv.outer; ++o)
          for (std::int64_t k = 0; k < h; ++k)
            for (std::int64_t i = 0; i < xv.inner; ++i) {
              const T gi = pg[(o * h + k) * xv.inner + i];
              const T a = px[offset(o, k + gate_at, i)], v = px[offset(o, k + value_at, i)];
              T act_a, act_grad_a;
              fast_value_and_grad(kind, a, act_a, act_grad_a);
              pd[offset(o, k + value_at, i)] = gi * act_a;
              pd[offset(o, k + gate_at, i)] = gi * v * act_grad_a;
            }
      });
    });
    accumulate_grad(x, std::move(dx));
  }, std::move(composite));
}

}  // namespace tg::fast
