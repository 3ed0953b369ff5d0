// activations/glu.cpp — GLU, Bilinear, ReGLU, GEGLU, SwiGLU: fused and composite. See glu.hpp.
//
// Layer: activations. For out = act(gate) * value, with upstream gradient g:
//   dvalue = g act(gate)              (the product rule, value's factor)
//   dgate  = g value act'(gate)       (the product rule and the chain rule)
// The fused kernels keep only gate and value (or x) and recompute act(gate) and act'(gate) in
// backward; the composite versions keep act(gate) as a separate tensor on the tape.
#include "activations/glu.hpp"

#include "activations/activations.hpp"
#include "activations/gate_kernels.hpp"
#include "activations/math.hpp"
#include "core/error.hpp"
#include "core/kernels.hpp"
#include "core/ops.hpp"
#include "core/parallel.hpp"
#include "core/tape.hpp"

namespace tg {

using gate_kernels::with_activation;

namespace {

// The activation as a tensor op, for the composite forms.
Tensor act_op(GateActivation act, const Tensor& x) {
  switch (act) {
    case GateActivation::Sigmoid:
      return sigmoid(x);
    case GateActivation::Identity:
      return x;
    case GateActivation::ReLU:
      return relu(x);
    case GateActivation::GELU:
      return gelu(x);
    case GateActivation::Swish:
      return silu(x);
  }
  return x;
}

// The op's name on the tape: the family member it computes.
const char* family_name(GateActivation act) {
  switch (act) {
    case GateActivation::Sigmoid:
      return "glu";
    case GateActivation::Identity:
      return "bilinear";
    case GateActivation::ReLU:
      return "reglu";
    case GateActivation::GELU:
      return "geglu";
    case GateActivation::Swish:
      return "swiglu";
  }
  return "gated";
}

}  // namespace

const char* gate_activation_name(GateActivation act) {
  switch (act) {
    case GateActivation::Sigmoid:
      return "sigmoid";
    case GateActivation::Identity:
      return "identity";
    case GateActivation::ReLU:
      return "relu";
    case GateActivation::GELU:
      return "gelu";
    case GateActivation::Swish:
      return "swish";
  }
  return "?";
}

Tensor gated(const Tensor& gate, const Tensor& value, GateActivation act) {
  const char* op = family_name(act);
  if (gate.dtype() != value.dtype())
    fail(op, "gate is ", dtype_name(gate.dtype()), " but value is ", dtype_name(value.dtype()));
  const Shape shape = broadcast_shapes(op, gate.shape(), value.shape());
  Tensor out = uninitialized(shape, gate.dtype());
  // Same shapes (the FFN's case): a flat loop, split over threads when large.
  const bool flat = gate.shape() == value.shape();
  dispatch(gate.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T *pa = gate.data<T>(), *pv = value.data<T>();
    T* po = out.data<T>();
    if (flat) return gate_kernels::gated_forward(act, pa, pv, po, out.numel());
    with_activation<T>(act, [&](auto act_of, auto) {
      kernels::map_broadcast(pa, gate.shape(), pv, value.shape(), po, shape,
                             [&](T a, T v) { return act_of(a) * v; });
    });
  });
  return record(op, {gate, value}, out, [gate, value, act, shape, flat](const Tensor& g) {
    Tensor dgate = uninitialized(shape, gate.dtype()), dvalue = uninitialized(shape, gate.dtype());
    dispatch(gate.dtype(), [&](auto zero) {
      using T = decltype(zero);
      const T *pa = gate.data<T>(), *pv = value.data<T>(), *pg = g.data<T>();
      T *da = dgate.data<T>(), *dv = dvalue.data<T>();
      // d/dvalue = g act(gate),  d/dgate = g value act'(gate)
      if (flat) return gate_kernels::gated_backward(act, pa, pv, pg, da, dv, g.numel());
      with_activation<T>(act, [&](auto, auto value_and_grad) {
        auto element = [&](std::int64_t i, std::int64_t ia, std::int64_t iv) {
          T act_a, act_grad_a;
          value_and_grad(pa[ia], act_a, act_grad_a);
          dv[i] = pg[i] * act_a;
          da[i] = pg[i] * pv[iv] * act_grad_a;
        };
        kernels::for_each_broadcast(shape, broadcast_strides(gate.shape(), shape),
                                    broadcast_strides(value.shape(), shape), element);
      });
    });
    accumulate_grad(gate, std::move(dgate));
    accumulate_grad(value, std::move(dvalue));
  });
}

Tensor gated_composite(const Tensor& gate, const Tensor& value, GateActivation act) {
  return act_op(act, gate) * value;
}

Tensor gated_halves(const Tensor& x, GateActivation act, std::int64_t axis, HalfOrder order) {
  const char* op = family_name(act);
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
  Tensor out = uninitialized(out_shape, x.dtype());
  auto offset = [xv](std::int64_t o, std::int64_t k, std::int64_t i) {
    return (o * xv.n + k) * xv.inner + i;
  };
  dispatch(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* px = x.data<T>();
    T* po = out.data<T>();
    with_activation<T>(act, [&](auto act_of, auto) {
      for (std::int64_t o = 0; o < xv.outer; ++o)
        for (std::int64_t k = 0; k < h; ++k)
          for (std::int64_t i = 0; i < xv.inner; ++i)
            po[(o * h + k) * xv.inner + i] =
                act_of(px[offset(o, k + gate_at, i)]) * px[offset(o, k + value_at, i)];
    });
  });
  return record(op, {x}, out, [x, act, xv, h, gate_at, value_at, offset](const Tensor& g) {
    Tensor dx = uninitialized(x.shape(), x.dtype());
    dispatch(x.dtype(), [&](auto zero) {
      using T = decltype(zero);
      const T *px = x.data<T>(), *pg = g.data<T>();
      T* pd = dx.data<T>();
      with_activation<T>(act, [&](auto, auto value_and_grad) {
        for (std::int64_t o = 0; o < xv.outer; ++o)
          for (std::int64_t k = 0; k < h; ++k)
            for (std::int64_t i = 0; i < xv.inner; ++i) {
              const T gi = pg[(o * h + k) * xv.inner + i];
              const T a = px[offset(o, k + gate_at, i)], v = px[offset(o, k + value_at, i)];
              T act_a, act_grad_a;
              value_and_grad(a, act_a, act_grad_a);
              pd[offset(o, k + value_at, i)] = gi * act_a;
              pd[offset(o, k + gate_at, i)] = gi * v * act_grad_a;
            }
      });
    });
    accumulate_grad(x, std::move(dx));
  });
}

Tensor gated_halves_composite(const Tensor& x, GateActivation act, std::int64_t axis,
                              HalfOrder order) {
  const char* op = family_name(act);
  const int ax = normalize_axis(op, axis, x.dim());
  if (x.shape()[ax] % 2 != 0)
    fail(op, "axis ", ax, " of shape ", x.shape(), " has odd size ", x.shape()[ax],
         "; it must split into two equal halves (value and gate)");
  const std::vector<Tensor> halves = chunk(x, 2, ax);
  const bool gate_first = order == HalfOrder::GateFirst;
  return gated_composite(halves[gate_first ? 0 : 1], halves[gate_first ? 1 : 0], act);
}

Tensor glu(const Tensor& x, std::int64_t axis, HalfOrder order) {
  return gated_halves(x, GateActivation::Sigmoid, axis, order);
}
Tensor bilinear(const Tensor& x, std::int64_t axis, HalfOrder order) {
  return gated_halves(x, GateActivation::Identity, axis, order);
}
Tensor reglu(const Tensor& x, std::int64_t axis, HalfOrder order) {
  return gated_halves(x, GateActivation::ReLU, axis, order);
}
Tensor geglu(const Tensor& x, std::int64_t axis, HalfOrder order) {
  return gated_halves(x, GateActivation::GELU, axis, order);
}
Tensor swiglu(const Tensor& x, std::int64_t axis, HalfOrder order) {
  return gated_halves(x, GateActivation::Swish, axis, order);
}

}  // namespace tg
