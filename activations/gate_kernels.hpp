// activations/gate_kernels.hpp — the gate activations as compile-time function objects, for the
// fused kernels of glu.cpp and activated_linear.cpp (an implementation detail, not an API).
//
// Layer: activations.
#pragma once

#include <cstdint>

#include "activations/glu.hpp"
#include "activations/math.hpp"

namespace tg::gate_kernels {

// Calls fn(value, value_and_grad) with the activation as two function objects fixed at compile
// time: value(x) = act(x), and value_and_grad(x, v, g) sets v = act(x), g = act'(x), sharing
// their costly part (the sigmoid's exp). Each activation so gets loops of its own, with no
// switch per element, which is what lets the compiler vectorise them.
template <class T, class Fn>
void with_activation(GateActivation act, Fn fn) {
  switch (act) {
    case GateActivation::Sigmoid:
      return fn([](T x) { return math::sigmoid(x); },
                [](T x, T& v, T& g) {
                  const T s = math::sigmoid(x);
                  v = s, g = s * (T(1) - s);
                });
    case GateActivation::Identity:
      return fn([](T x) { return x; }, [](T x, T& v, T& g) { v = x, g = T(1); });
    case GateActivation::ReLU:
      return fn([](T x) { return math::relu(x); },
                [](T x, T& v, T& g) { v = math::relu(x), g = math::relu_grad(x); });
    case GateActivation::GELU:
      return fn([](T x) { return math::gelu(x); },
                [](T x, T& v, T& g) { v = math::gelu(x), g = math::gelu_grad(x); });
    case GateActivation::Swish:
      return fn([](T x) { return math::swish(x, T(1)); },
                [](T x, T& v, T& g) {
                  const T s = math::sigmoid(x);
                  v = x * s, g = s + x * s * (T(1) - s);
                });
  }
}

// Elements per piece when a gated op is split over threads: enough that waking a thread pays.
inline constexpr std::int64_t kGrain = 16384;

}  // namespace tg::gate_kernels
