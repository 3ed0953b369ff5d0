// core/fast/gate_kernels.hpp — the gate activations' loops for the fast floor's gated ops
// (gated.cpp) and activated_linear.cpp.
//
// Fast floor. Reference twin: the loops of gated and gated_halves in activations/glu.cpp, over
// the table of kinds in core/activation_math.hpp. As there, each loop runs inside
// with_gate_activation, so each kind gets loops of its own that vectorise; here the formulas use
// fast_math.hpp's exp, and the loops are split over threads.
// Test: "the fast gated ops equal the readable ones: flat, broadcast, halves" (test_floors.cpp).
#pragma once

#include <cstdint>

#include "core/activation_math.hpp"
#include "core/fast/fast_math.hpp"
#include "core/fast/parallel.hpp"

namespace tg::gate_kernels {

namespace kinds = gate_activation;  // the rows of core/activation_math.hpp's table

// Each kind's formulas on the fast floor, chosen by overloads on its row type: fast_math's where
// the kind needs an exp or a normal CDF (sigmoid, gelu, swish), the row's own otherwise
// (identity, relu). Three functions, since a loop wants different pieces:
//   fast_value(kind, x)                 act(x)
//   fast_grad(kind, x)                  act'(x) alone, for a plain (ungated) activation's backward
//   fast_value_and_grad(kind, x, v, g)  v = act(x), g = act'(x), sharing their costly part
//                                       (the sigmoid's exp)
template <class Kind, class T>
T fast_value(Kind, T x) {
  return Kind::value(x);
}
template <class T>
T fast_value(kinds::Sigmoid, T x) {
  return fast_math::sigmoid(x);
}
template <class T>
T fast_value(kinds::GELU, T x) {
  return fast_math::gelu(x);
}
template <class T>
T fast_value(kinds::Swish, T x) {
  return fast_math::silu(x);
}

template <class Kind, class T>
T fast_grad(Kind, T x) {
  return Kind::grad(x);
}
template <class T>
T fast_grad(kinds::Sigmoid, T x) {
  const math::SigmoidPair<T> p = fast_math::sigmoid_pair(x);
  return p.s * p.one_minus_s;  // sigma (1 - sigma), neither tail cancels
}
template <class T>
T fast_grad(kinds::GELU, T x) {
  return fast_math::gelu_grad(x);
}
template <class T>
T fast_grad(kinds::Swish, T x) {
  return fast_math::silu_grad(x);
}

template <class Kind, class T>
void fast_value_and_grad(Kind kind, T x, T& v, T& g) {
  v = fast_value(kind, x), g = fast_grad(kind, x);
}
template <class T>
void fast_value_and_grad(kinds::Sigmoid, T x, T& v, T& g) {
  const math::SigmoidPair<T> p = fast_math::sigmoid_pair(x);
  v = p.s, g = p.s * p.one_minus_s;
}
template <class T>
void fast_value_and_grad(kinds::Swish, T x, T& v, T& g) {
  // fast_math::silu and silu_grad, sharing the sigmoid
  const math::SigmoidPair<T> p = fast_math::sigmoid_pair(x);
  v = math::vanishing_product(x, p.s);
  g = p.s + math::vanishing_product(x, p.s * p.one_minus_s);
}

// act'(x) and act''(x) together, for gated_slope's backward: the row's own act'' (0 for identity
// and relu) with fast_grad, or, where the kind needs an exp, both from one sigmoid or one density
// (the formulas of core/activation_math.hpp: sigmoid_grad2, swish_grad_x2, gelu_grad2).
template <class Kind, class T>
void fast_grad_and_grad2(Kind kind, T x, T& d1, T& d2) {
  d1 = fast_grad(kind, x), d2 = Kind::grad2(x);
}
template <class T>
void fast_grad_and_grad2(kinds::Sigmoid, T x, T& d1, T& d2) {
  const math::SigmoidPair<T> p = fast_math::sigmoid_pair(x);
  d1 = p.s * p.one_minus_s, d2 = d1 * (p.one_minus_s - p.s);
}
template <class T>
void fast_grad_and_grad2(kinds::Swish, T x, T& d1, T& d2) {
  const math::SigmoidPair<T> p = fast_math::sigmoid_pair(x);
  const T so = p.s * p.one_minus_s;
  d1 = p.s + math::vanishing_product(x, so);
  d2 = T(2) * so + math::vanishing_product(x, so * (p.one_minus_s - p.s));
}
template <class T>
void fast_grad_and_grad2(kinds::GELU, T x, T& d1, T& d2) {
  const T pdf = fast_math::normal_pdf(x);
  d1 = fast_math::normal_cdf(x) + math::vanishing_product(x, pdf);
  d2 = T(2) * pdf - math::vanishing_product(x, math::vanishing_product(x, pdf));
}

// Elements per piece when a gated op is split over threads: enough that waking a thread pays.
inline constexpr std::int64_t kGrain = 16384;

// out[i] = act(gate[i]) * value[i] for i < n, or act(gate[i]) when value is null (a plain
// activation); split over threads when large.
template <class T>
void gated_forward(GateActivation act, const T* gate, const T* value, T* out, std::int64_t n) {
  with_gate_activation(act, [&](auto kind) {
    parallel_for_range(n, kGrain, [&](std::int64_t begin, std::int64_t end) {
      if (value)
        for (std::int64_t i = begin; i < end; ++i) out[i] = fast_value(kind, gate[i]) * value[i];
      else
        for (std::int64_t i = begin; i < end; ++i) out[i] = fast_value(kind, gate[i]);
    });
  });
}

// Its backward, from the gradient g of out: dvalue = g act(gate), dgate = g value act'(gate);
// without value, dgate = g act'(gate) and dvalue is not written. dvalue may be g itself (each
// g[i] is read before dvalue[i] is written).
template <class T>
void gated_backward(GateActivation act, const T* gate, const T* value, const T* g, T* dgate,
                    T* dvalue, std::int64_t n) {
  with_gate_activation(act, [&](auto kind) {
    if (!value)
      return parallel_for_range(n, kGrain, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t i = begin; i < end; ++i) dgate[i] = g[i] * fast_grad(kind, gate[i]);
      });
    parallel_for_range(n, kGrain, [&](std::int64_t begin, std::int64_t end) {
      T act_a, act_grad_a;
      for (std::int64_t i = begin; i < end; ++i) {
        fast_value_and_grad(kind, gate[i], act_a, act_grad_a);
        const T gi = g[i];
        dvalue[i] = gi * act_a;
        dgate[i] = gi * value[i] * act_grad_a;
      }
    });
  });
}

// gated_slope's backward (out = act'(gate) * value), from the gradient g of out:
// dvalue = g act'(gate), dgate = g value act''(gate). (Its forward is gated_backward without a
// value: act'(gate) times the "gradient" value.)
template <class T>
void slope_backward(GateActivation act, const T* gate, const T* value, const T* g, T* dgate,
                    T* dvalue, std::int64_t n) {
  with_gate_activation(act, [&](auto kind) {
    parallel_for_range(n, kGrain, [&](std::int64_t begin, std::int64_t end) {
      T d1, d2;
      for (std::int64_t i = begin; i < end; ++i) {
        fast_grad_and_grad2(kind, gate[i], d1, d2);
        const T gi = g[i];
        dvalue[i] = gi * d1;
        dgate[i] = gi * value[i] * d2;
      }
    });
  });
}

}  // namespace tg::gate_kernels
