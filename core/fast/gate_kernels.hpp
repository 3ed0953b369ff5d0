// core/fast/gate_kernels.hpp — the gate activations as compile-time function objects, for the
// fast floor's gated ops (gated.cpp) and activated_linear.cpp.
//
// Fast floor. Reference twin: the per-element switch over math.hpp's formulas in
// activations/glu.cpp (gate_activation, gate_activation_grad). Here each activation is a type,
// so each gets loops of its own that vectorise, with fast_math.hpp's exp, split over threads.
// Test: "the fast gated ops equal the readable ones: flat, broadcast, halves" (test_floors.cpp).
#pragma once

#include <cstdint>

#include "activations/glu.hpp"
#include "activations/math.hpp"
#include "core/fast/fast_math.hpp"
#include "core/fast/parallel.hpp"

namespace tg::gate_kernels {

// Calls fn(value, value_and_grad) with the activation as two function objects fixed at compile
// time: value(x) = act(x), and value_and_grad(x, v, g) sets v = act(x), g = act'(x), sharing
// their costly part (the sigmoid's exp). Each activation so gets loops of its own, with no
// switch per element, which is what lets the compiler vectorise them.
template <class T, class Fn>
void with_activation(GateActivation act, Fn fn) {
  switch (act) {
    case GateActivation::Sigmoid:
      return fn([](T x) { return fast_math::sigmoid(x); },
                [](T x, T& v, T& g) {
                  const math::SigmoidPair<T> p = fast_math::sigmoid_pair(x);
                  v = p.s, g = p.s * p.one_minus_s;  // sigma (1 - sigma), neither tail cancels
                });
    case GateActivation::Identity:
      return fn([](T x) { return x; }, [](T x, T& v, T& g) { v = x, g = T(1); });
    case GateActivation::ReLU:
      return fn([](T x) { return math::relu(x); },
                [](T x, T& v, T& g) { v = math::relu(x), g = math::relu_grad(x); });
    case GateActivation::GELU:
      return fn([](T x) { return fast_math::gelu(x); },
                [](T x, T& v, T& g) { v = fast_math::gelu(x), g = fast_math::gelu_grad(x); });
    case GateActivation::Swish:
      return fn([](T x) { return fast_math::silu(x); },
                [](T x, T& v, T& g) {
                  // fast_math::silu and silu_grad, sharing the sigmoid
                  const math::SigmoidPair<T> p = fast_math::sigmoid_pair(x);
                  v = math::vanishing_product(x, p.s);
                  g = p.s + math::vanishing_product(x, p.s * p.one_minus_s);
                });
  }
}

// Elements per piece when a gated op is split over threads: enough that waking a thread pays.
inline constexpr std::int64_t kGrain = 16384;

// Calls fn(derivative) with act'(x) alone, for a plain (ungated) activation's backward.
template <class T, class Fn>
void with_derivative(GateActivation act, Fn fn) {
  switch (act) {
    case GateActivation::Sigmoid:
      return fn([](T x) {
        const math::SigmoidPair<T> p = fast_math::sigmoid_pair(x);
        return p.s * p.one_minus_s;
      });
    case GateActivation::Identity:
      return fn([](T) { return T(1); });
    case GateActivation::ReLU:
      return fn([](T x) { return math::relu_grad(x); });
    case GateActivation::GELU:
      return fn([](T x) { return fast_math::gelu_grad(x); });
    case GateActivation::Swish:
      return fn([](T x) { return fast_math::silu_grad(x); });
  }
}

// out[i] = act(gate[i]) * value[i] for i < n, or act(gate[i]) when value is null (a plain
// activation); split over threads when large.
template <class T>
void gated_forward(GateActivation act, const T* gate, const T* value, T* out, std::int64_t n) {
  with_activation<T>(act, [&](auto act_of, auto) {
    parallel_for_range(n, kGrain, [&](std::int64_t begin, std::int64_t end) {
      if (value)
        for (std::int64_t i = begin; i < end; ++i) out[i] = act_of(gate[i]) * value[i];
      else
        for (std::int64_t i = begin; i < end; ++i) out[i] = act_of(gate[i]);
    });
  });
}

// Its backward, from the gradient g of out: dvalue = g act(gate), dgate = g value act'(gate);
// without value, dgate = g act'(gate) and dvalue is not written. dvalue may be g itself (each
// g[i] is read before dvalue[i] is written).
template <class T>
void gated_backward(GateActivation act, const T* gate, const T* value, const T* g, T* dgate,
                    T* dvalue, std::int64_t n) {
  if (!value)
    return with_derivative<T>(act, [&](auto derivative) {
      parallel_for_range(n, kGrain, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t i = begin; i < end; ++i) dgate[i] = g[i] * derivative(gate[i]);
      });
    });
  with_activation<T>(act, [&](auto, auto value_and_grad) {
    parallel_for_range(n, kGrain, [&](std::int64_t begin, std::int64_t end) {
      T act_a, act_grad_a;
      for (std::int64_t i = begin; i < end; ++i) {
        value_and_grad(gate[i], act_a, act_grad_a);
        const T gi = g[i];
        dvalue[i] = gi * act_a;
        dgate[i] = gi * value[i] * act_grad_a;
      }
    });
  });
}

}  // namespace tg::gate_kernels
