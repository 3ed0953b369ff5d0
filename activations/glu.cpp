// activations/glu.cpp — GLU, Bilinear, ReGLU, GEGLU, SwiGLU: fused and composite. See glu.hpp.
//
// Layer: activations. For out = act(gate) * value, with upstream gradient g:
//   dvalue = g act(gate)              (the product rule, value's factor)
//   dgate  = g value act'(gate)       (the product rule and the chain rule)
// The op keeps only gate and value and computes act(gate) and act'(gate) again in backward; the
// composite versions keep act(gate) as a separate tensor on the tape. With the fast floor on,
// gated and gated_halves run core/fast/gated.cpp's vectorised, threaded loops instead.
#include "activations/glu.hpp"

#include "activations/activations.hpp"
#include "core/activation_math.hpp"
#include "core/create_graph.hpp"
#include "core/error.hpp"
#include "core/fast/switch.hpp"
#include "core/kernels.hpp"
#include "core/ops.hpp"
#include "core/tape.hpp"

namespace tg {

namespace {

// Each kind's tensor op, one overload per row type of the table (core/activation_math.hpp).
struct TensorOpOf {
  const Tensor& x;
  Tensor operator()(gate_activation::Sigmoid) const { return sigmoid(x); }
  Tensor operator()(gate_activation::Identity) const { return x; }
  Tensor operator()(gate_activation::ReLU) const { return relu(x); }
  Tensor operator()(gate_activation::GELU) const { return gelu(x); }
  Tensor operator()(gate_activation::Swish) const { return silu(x); }
};

}  // namespace

Tensor gate_activation_op(GateActivation act, const Tensor& x) {
  return with_gate_activation(act, TensorOpOf{x});
}

Tensor gated(const Tensor& gate, const Tensor& value, GateActivation act) {
  const char* op = gated_name(act);
  if (gate.dtype() != value.dtype())
    fail(op, "gate is ", dtype_name(gate.dtype()), " but value is ", dtype_name(value.dtype()));
  // The composite form: what create_graph differentiates (tape.hpp). (The fast floor's gated,
  // for gate and value of one shape, records gated and gated_slope instead: fewer passes.)
  auto composite = [act](const std::vector<Tensor>& in) { return gated_composite(in[0], in[1], act); };
  if (fast::enabled()) return fast::gated(gate, value, act, composite);
  if (gate.shape() != value.shape()) {  // broadcast first: expand's backward sums back
    const Shape shape = broadcast_shapes(op, gate.shape(), value.shape());
    return gated(expand(gate, shape), expand(value, shape), act);
  }
  // out = act(gate) * value, element by element (gate and value have one shape). kind is act's
  // row of the table in core/activation_math.hpp: kind.value is act, kind.grad is act'.
  Tensor out = empty(gate.shape(), gate.dtype());
  dispatch(gate.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T *a = gate.data<T>(), *b = value.data<T>();
    T* o = out.data<T>();
    with_gate_activation(act, [&](auto kind) {
      for (std::int64_t i = 0; i < out.numel(); ++i) o[i] = kind.value(a[i]) * b[i];
    });
  });
  return record_first_order(op, {gate, value}, out, [gate, value, act](const Tensor& g) {
    // The product rule: dvalue = g act(gate), dgate = g value act'(gate).
    Tensor dgate = empty(gate.shape(), gate.dtype()), dvalue = empty(gate.shape(), gate.dtype());
    dispatch(gate.dtype(), [&](auto zero) {
      using T = decltype(zero);
      const T *a = gate.data<T>(), *b = value.data<T>(), *pg = g.data<T>();
      T *da = dgate.data<T>(), *db = dvalue.data<T>();
      with_gate_activation(act, [&](auto kind) {
        for (std::int64_t i = 0; i < g.numel(); ++i) {
          db[i] = pg[i] * kind.value(a[i]);
          da[i] = pg[i] * b[i] * kind.grad(a[i]);
        }
      });
    });
    accumulate_grad(gate, std::move(dgate));
    accumulate_grad(value, std::move(dvalue));
  }, composite);
}

Tensor gated_slope(const Tensor& gate, const Tensor& value, GateActivation act) {
  const char* op = "gated_slope";
  if (gate.shape() != value.shape() || gate.dtype() != value.dtype())
    fail(op, "needs gate and value of one shape and dtype, got ", dtype_name(gate.dtype()), " ",
         gate.shape(), " and ", dtype_name(value.dtype()), " ", value.shape());
  if (fast::enabled()) return fast::gated_slope(gate, value, act);
  Tensor out = empty(gate.shape(), gate.dtype());
  dispatch(gate.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T *a = gate.data<T>(), *b = value.data<T>();
    T* o = out.data<T>();
    with_gate_activation(act, [&](auto kind) {
      for (std::int64_t i = 0; i < out.numel(); ++i) o[i] = kind.grad(a[i]) * b[i];
    });
  });
  // No composite: under create_graph (a third derivative of act) this is an error naming it.
  return record_first_order(op, {gate, value}, out, [gate, value, act](const Tensor& g) {
    // d/dvalue = g act'(gate), d/dgate = g value act''(gate)
    Tensor dgate = empty(gate.shape(), gate.dtype()), dvalue = empty(gate.shape(), gate.dtype());
    dispatch(gate.dtype(), [&](auto zero) {
      using T = decltype(zero);
      const T *a = gate.data<T>(), *b = value.data<T>(), *pg = g.data<T>();
      T *da = dgate.data<T>(), *db = dvalue.data<T>();
      with_gate_activation(act, [&](auto kind) {
        for (std::int64_t i = 0; i < g.numel(); ++i) {
          db[i] = pg[i] * kind.grad(a[i]);
          da[i] = pg[i] * b[i] * kind.grad2(a[i]);
        }
      });
    });
    accumulate_grad(gate, std::move(dgate));
    accumulate_grad(value, std::move(dvalue));
  });
}

Tensor gated_composite(const Tensor& gate, const Tensor& value, GateActivation act) {
  return gate_activation_op(act, gate) * value;
}

Tensor gated_halves(const Tensor& x, GateActivation act, std::int64_t axis, HalfOrder order) {
  const char* op = gated_name(act);
  const int ax = normalize_axis(op, axis, x.dim());
  const kernels::AxisView xv = kernels::axis_view(x.shape(), ax);  // x as (outer, 2h, inner)
  if (xv.n % 2 != 0)
    fail(op, "axis ", ax, " of shape ", x.shape(), " has odd size ", xv.n,
         "; it must split into two equal halves (value and gate)");
  auto composite = [act, axis, order](const std::vector<Tensor>& in) {  // (as gated's)
    return gated_halves_composite(in[0], act, axis, order);
  };
  if (fast::enabled()) return fast::gated_halves(x, act, axis, order, composite);
  const std::int64_t h = xv.n / 2;
  // Element (o, k, i) of the output reads the gate at (o, gate_at + k, i) and the value at
  // (o, value_at + k, i) of x: the halves are read where they lie, no copy of either.
  const std::int64_t gate_at = order == HalfOrder::GateFirst ? 0 : h, value_at = h - gate_at;
  auto at = [xv](std::int64_t o, std::int64_t k, std::int64_t i) {
    return (o * xv.n + k) * xv.inner + i;
  };
  Shape out_shape = x.shape();
  out_shape[ax] = h;
  Tensor out = empty(out_shape, x.dtype());
  dispatch(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* px = x.data<T>();
    T* po = out.data<T>();
    with_gate_activation(act, [&](auto kind) {
      for (std::int64_t o = 0; o < xv.outer; ++o)
        for (std::int64_t k = 0; k < h; ++k)
          for (std::int64_t i = 0; i < xv.inner; ++i)
            po[(o * h + k) * xv.inner + i] =
                kind.value(px[at(o, gate_at + k, i)]) * px[at(o, value_at + k, i)];
    });
  });
  return record_first_order(op, {x}, out, [x, act, xv, h, gate_at, value_at, at](const Tensor& g) {
    Tensor dx = empty(x.shape(), x.dtype());  // every element is written: each is in one half
    dispatch(x.dtype(), [&](auto zero) {
      using T = decltype(zero);
      const T *px = x.data<T>(), *pg = g.data<T>();
      T* pd = dx.data<T>();
      with_gate_activation(act, [&](auto kind) {
        for (std::int64_t o = 0; o < xv.outer; ++o)
          for (std::int64_t k = 0; k < h; ++k)
            for (std::int64_t i = 0; i < xv.inner; ++i) {
              const T gi = pg[(o * h + k) * xv.inner + i];
              const T a = px[at(o, gate_at + k, i)], b = px[at(o, value_at + k, i)];
              pd[at(o, value_at + k, i)] = gi * kind.value(a);    // g act(a)
              pd[at(o, gate_at + k, i)] = gi * b * kind.grad(a);  // g b act'(a)
            }
      });
    });
    accumulate_grad(x, std::move(dx));
  }, composite);
}

Tensor gated_halves_composite(const Tensor& x, GateActivation act, std::int64_t axis,
                              HalfOrder order) {
  const char* op = gated_name(act);
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
