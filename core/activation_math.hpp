// core/activation_math.hpp — every activation as a scalar formula with its derivative, and the
// table of the gate activation kinds (GLU, Bilinear, ReGLU, GEGLU, SwiGLU) built on them.
//
// Layer: core (depends on nothing but core/error.hpp). The tensor ops in activations/ apply these
// to each element, each formula beside its derivative, with the C++ library's std::exp, std::erfc
// and std::tanh. T is float or double. Derivations are in docs/activations.md. (The fast floor's
// gate kernels use the same formulas with an exp that vectorises: core/fast/fast_math.hpp.)
//
// Why in core/: activations/ (the readable gated ops), layers/ (the FFN's kinds) and core/fast/
// (the vectorised gate kernels) all need the same list of kinds and the same formulas, and
// core/fast/ may include nothing above core/. So the one table lives here, at the bottom, and
// every arrow between the folders points down (docs/architecture.md).
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "core/error.hpp"

namespace tg::math {

// x f, where f goes to 0 faster than x grows (f = sigma(x) as x -> -inf, say): the limit of the
// product is 0, but IEEE arithmetic gives inf * 0 = NaN at x = +-inf. So where f is 0 the
// product is taken as 0. Every "x times something that vanishes" below goes through this:
// silu(-inf) = 0, gelu(-inf) = 0, and their slopes at both infinities. A NaN x stays NaN (f is
// then NaN too, never 0).
template <class T>
T vanishing_product(T x, T f) {
  return f == T(0) ? T(0) : x * f;
}

// sigma(x) = 1 / (1 + e^-x). exp() only ever sees -|x| <= 0, so it never overflows: for x < 0
// the equal form e^x / (1 + e^x) is used. (With the one-line form, e^-x is inf for x < -89 in
// float32; 1/inf = 0 is still right, but any formula that also divides e^-x by something, like
// the textbook e^-x / (1 + e^-x)^2, becomes NaN.) A select rather than an if, so that loops
// over it vectorise.
template <class T>
T sigmoid(T x) {
  const T e = std::exp(-std::abs(x));  // in (0, 1]
  const T s = T(1) / (T(1) + e);       // sigma(|x|)
  return x >= 0 ? s : e * s;           // sigma(-|x|) = e^-|x| / (1 + e^-|x|)
}
// sigma(x) and 1 - sigma(x) = sigma(-x), both from the one exp above. The slopes below multiply
// by 1 - sigma, and computed as 1 - s it cancels where s is close to 1: at x = 10 in float32,
// s rounds to 0.99995458 and 1 - s keeps about three correct digits. sigma(-x) keeps them all.
template <class T>
struct SigmoidPair {
  T s, one_minus_s;  // sigma(x), sigma(-x)
};
template <class T>
SigmoidPair<T> sigmoid_pair(T x) {
  const T e = std::exp(-std::abs(x));
  const T big = T(1) / (T(1) + e);  // sigma(|x|)
  const T small = e * big;          // sigma(-|x|)
  return x >= 0 ? SigmoidPair<T>{big, small} : SigmoidPair<T>{small, big};
}

// sigma'(x) = sigma(x) (1 - sigma(x)) = sigma(x) sigma(-x).
template <class T>
T sigmoid_grad(T x) {
  const SigmoidPair<T> p = sigmoid_pair(x);
  return p.s * p.one_minus_s;
}
// sigma''(x) = sigma (1 - sigma) (1 - 2 sigma) = s o (o - s), with o = 1 - s = sigma(-x).
template <class T>
T sigmoid_grad2(T x) {
  const SigmoidPair<T> p = sigmoid_pair(x);
  return p.s * p.one_minus_s * (p.one_minus_s - p.s);
}

// tanh'(x) = 1 - tanh(x)^2 = 4 sigma(2x) sigma(-2x): the same number, since
// tanh(x) = 2 sigma(2x) - 1. The first form cancels once |tanh x| is close to 1 (at x = 5 in
// float32 it keeps three digits); the second keeps its relative accuracy out to the tails.
template <class T>
T tanh_grad(T x) {
  const SigmoidPair<T> p = sigmoid_pair(T(2) * x);
  return T(4) * p.s * p.one_minus_s;
}
// tanh''(x) = -2 tanh(x) (1 - tanh(x)^2). With s = sigma(2x), o = sigma(-2x): tanh = s - o and
// 1 - tanh^2 = 4 s o, so tanh'' = 8 s o (o - s), accurate in both tails.
template <class T>
T tanh_grad2(T x) {
  const SigmoidPair<T> p = sigmoid_pair(T(2) * x);
  return T(8) * p.s * p.one_minus_s * (p.one_minus_s - p.s);
}

// relu(x) = max(x, 0). Its derivative is 1 for x > 0 and 0 for x < 0; at x = 0 it is undefined
// and we take 0, as PyTorch does.
template <class T>
T relu(T x) {
  return x > 0 || x != x ? x : T(0);  // NaN stays NaN (as PyTorch), never silently 0
}
template <class T>
T relu_grad(T x) {
  return x > 0 ? T(1) : T(0);
}
// relu'' = 0 wherever it exists (everywhere but 0, where we take 0 too).
template <class T>
T relu_grad2(T) {
  return T(0);
}

// leaky_relu(x) = x for x > 0, slope * x otherwise; derivative 1 or slope (slope at 0).
template <class T>
T leaky_relu(T x, T slope) {
  return x > 0 ? x : slope * x;
}
template <class T>
T leaky_relu_grad(T x, T slope) {
  return x > 0 ? T(1) : slope;
}
template <class T>
T leaky_relu_grad2(T, T) {
  return T(0);
}

// Phi(x), the standard normal CDF: (1 + erf(x / sqrt 2)) / 2 = erfc(-x / sqrt 2) / 2. The erfc
// form keeps its relative accuracy in the left tail, where 1 + erf(..) cancels to 0. Computed in
// double and rounded once.
template <class T>
T normal_cdf(T x) {
  return static_cast<T>(0.5 * std::erfc(-static_cast<double>(x) / std::numbers::sqrt2));
}
// phi(x) = e^(-x^2 / 2) / sqrt(2 pi), the standard normal density (in double, rounded once).
template <class T>
T normal_pdf(T x) {
  const double v = static_cast<double>(x);
  return static_cast<T>(std::exp(-0.5 * v * v) * std::numbers::inv_sqrtpi / std::numbers::sqrt2);
}

// Exact GELU: x Phi(x), Phi the standard normal CDF above.
// gelu'(x) = Phi(x) + x phi(x), phi(x) = exp(-x^2/2) / sqrt(2 pi) the normal density.
// At x = -inf: gelu = 0 and gelu' = 0; at +inf: gelu = inf and gelu' = 1 (vanishing_product).
template <class T>
T gelu(T x) {
  return vanishing_product(x, normal_cdf(x));
}
template <class T>
T gelu_grad(T x) {
  return normal_cdf(x) + vanishing_product(x, normal_pdf(x));
}
// gelu''(x) = 2 phi(x) + x phi'(x) = phi(x) (2 - x^2), since phi'(x) = -x phi(x). Written as
// 2 phi - x (x phi) with vanishing products, so that x^2 = inf times phi = 0 gives 0 far out.
template <class T>
T gelu_grad2(T x) {
  const T phi = normal_pdf(x);
  return T(2) * phi - vanishing_product(x, vanishing_product(x, phi));
}

// The tanh approximation of GELU (Hendrycks & Gimpel; GPT-2):
//   gelu(x) ~ x (1 + tanh(u)) / 2,  u = sqrt(2/pi) (x + 0.044715 x^3).
// Computed as x sigma(2u), the same function: 1 + tanh(u) = 2 sigma(2u). Why: in the left tail
// tanh(u) is close to -1 and 1 + tanh(u) cancels (at x = -5 in float32 the sum kept one or two
// correct digits: 30% off), while sigma(2u) is computed from e^-|2u| and keeps its relative
// accuracy all the way. At x = float's largest value u is inf, sigma(2u) = 1 and the result is
// x (the tanh form gave x * 2 / 2 = inf).
// Derivative, with s = sigma(2u) and 1 - s = sigma(-2u) (so that neither tail cancels):
//   gelu'(x) = s + 2 x s (1 - s) u',  u' = sqrt(2/pi) (1 + 3 * 0.044715 x^2).
// Far out s (1 - s) is 0 while x u' may overflow to inf: vanishing_product gives 0 there, so the
// slope is exactly 1 at +inf and 0 at -inf.
template <class T>
T gelu_tanh(T x) {
  const T k = std::numbers::sqrt2_v<T> * std::numbers::inv_sqrtpi_v<T>;  // sqrt(2/pi)
  const T u = k * (x + T(0.044715) * x * x * x);
  // sigma(2u) is 0 far left (and x may be -inf there): vanishing_product gives the limit 0.
  return vanishing_product(x, sigmoid(T(2) * u));
}
template <class T>
T gelu_tanh_grad(T x) {
  const T k = std::numbers::sqrt2_v<T> * std::numbers::inv_sqrtpi_v<T>;
  const T u = k * (x + T(0.044715) * x * x * x);
  const SigmoidPair<T> p = sigmoid_pair(T(2) * u);  // s and 1 - s
  const T du = k * (T(1) + T(3 * 0.044715) * x * x);
  return p.s + vanishing_product(T(2) * x * du, p.s * p.one_minus_s);
}
// With a = 2u, s = sigma(a), o = 1 - s: f' = s + x s o a', a' = 2u'. Differentiating again,
//   f'' = s o a' + s o a' + x (s o (o - s) a'^2 + s o a''),   a'' = 2 u'' = 2 k 6 (0.044715) x
//       = s o (2 a' + x ((o - s) a'^2 + a'')).
// Far out s o is 0 while the bracket may overflow: vanishing_product gives 0 there.
template <class T>
T gelu_tanh_grad2(T x) {
  const T k = std::numbers::sqrt2_v<T> * std::numbers::inv_sqrtpi_v<T>;
  const T u = k * (x + T(0.044715) * x * x * x);
  const SigmoidPair<T> p = sigmoid_pair(T(2) * u);
  const T da = T(2) * k * (T(1) + T(3 * 0.044715) * x * x);
  const T dda = T(2) * k * T(6 * 0.044715) * x;
  return vanishing_product(T(2) * da + x * ((p.one_minus_s - p.s) * da * da + dda),
                           p.s * p.one_minus_s);
}

// Swish with slope beta: x sigma(beta x). beta = 1 is SiLU.
//   d/dx    = sigma(bx) + b x sigma(bx) (1 - sigma(bx))
//   d/dbeta = x^2 sigma(bx) (1 - sigma(bx))
// For beta > 0 the limits are: swish(-inf) = 0, d/dx = 0 at -inf and 1 at +inf, d/dbeta = 0 at
// both; each product of x with a vanishing sigmoid term goes through vanishing_product.
template <class T>
T swish(T x, T beta) {
  return vanishing_product(x, sigmoid(beta * x));
}
template <class T>
T swish_grad_x(T x, T beta) {
  const SigmoidPair<T> p = sigmoid_pair(beta * x);
  return p.s + vanishing_product(beta * x, p.s * p.one_minus_s);
}
// d2/dx2 x sigma(bx) = b s o (2 + b x (o - s)), s = sigma(bx), o = 1 - s.
template <class T>
T swish_grad_x2(T x, T beta) {
  const SigmoidPair<T> p = sigmoid_pair(beta * x);
  const T so = p.s * p.one_minus_s;
  return beta * (T(2) * so + vanishing_product(beta * x, so * (p.one_minus_s - p.s)));
}
template <class T>
T swish_grad_beta(T x, T beta) {
  const SigmoidPair<T> p = sigmoid_pair(beta * x);
  // grouped as (x s)(x (1 - s)) so that x^2 never overflows; 0 where s (1 - s) vanishes.
  return p.s * p.one_minus_s == T(0) ? T(0) : (x * p.s) * (x * p.one_minus_s);
}

// softplus(x) = log(1 + e^(beta x)) / beta, a smooth relu; derivative sigma(beta x).
// Above `threshold` (beta x > threshold) it returns x itself, as PyTorch does: there the two
// differ by less than e^-threshold / beta. Below it, with z = beta x, the form
//   log(1 + e^z) = max(z, 0) + log(1 + e^-|z|)
// (equal: for z > 0, log(1 + e^z) = z + log(e^-z + 1)) never overflows, since e^-|z| <= 1:
// the one-line form overflows for z > 88 in float32, which a threshold of 100 lets through.
template <class T>
T softplus(T x, T beta, T threshold) {
  const T z = beta * x;
  return z > threshold ? x : (std::max(z, T(0)) + std::log1p(std::exp(-std::abs(z)))) / beta;
}
template <class T>
T softplus_grad(T x, T beta, T threshold) {
  return beta * x > threshold ? T(1) : sigmoid(beta * x);
}
// softplus'' = beta sigma(bx) (1 - sigma(bx)) below the threshold; 0 above, where it is x.
template <class T>
T softplus_grad2(T x, T beta, T threshold) {
  return beta * x > threshold ? T(0) : beta * sigmoid_grad(beta * x);
}

}  // namespace tg::math

namespace tg {

// ---- the gate activation kinds: one table ------------------------------------------------------
//
// A gated unit multiplies a value by an activation of a gate, act(gate) * value (activations/
// glu.hpp). The activation is one of five kinds; the FFN's plain (ungated) kinds use the same
// activations on their own (layers/ffn.cpp).
enum class GateActivation { Sigmoid, Identity, ReLU, GELU, Swish };

// Which half is which when gate and value come as the two halves of one tensor along an axis (the
// "chunked" form, as PyTorch's F.glu and a fused d -> 2h projection). Sources differ, so it is a
// parameter. The letters: a is always the gate, b always the value.
// - ValueFirst is PyTorch's F.glu: first half the value b, second half the gate a, so x = [b, a]
//   gives b * sigmoid(a). (PyTorch's documentation writes it a * sigmoid(b), with its a the first
//   half.)
// - GateFirst puts the gate first: x = [a, b] gives act(a) * b.
enum class HalfOrder { ValueFirst, GateFirst };

// One row per kind: its two names (the activation's, and the gated unit's as a family member,
// whose sources activations/glu.hpp lists) and its scalar value, derivative and second
// derivative (for gated_slope's backward, activations/glu.hpp), from the formulas above.
//
// Why each row is a type of its own, not a line of data: a loop written inside
// with_gate_activation(act, [&](auto kind) { ... kind.value(x) ... }) below is compiled once per
// row type, with that kind's formula known at compile time. Each kind so gets its own loop, with
// no choice left to make per element, and the compiler can inline the formula and vectorise the
// loop. (A switch on the kind for each element, or a call through a function pointer, gets in
// the way of both.)
namespace gate_activation {

struct Sigmoid {
  static constexpr const char* name = "sigmoid";
  static constexpr const char* gated_name = "glu";
  template <class T>
  static T value(T x) {
    return math::sigmoid(x);
  }
  template <class T>
  static T grad(T x) {
    return math::sigmoid_grad(x);
  }
  template <class T>
  static T grad2(T x) {
    return math::sigmoid_grad2(x);
  }
};

struct Identity {
  static constexpr const char* name = "identity";
  static constexpr const char* gated_name = "bilinear";
  template <class T>
  static T value(T x) {
    return x;
  }
  template <class T>
  static T grad(T) {
    return T(1);
  }
  template <class T>
  static T grad2(T) {
    return T(0);
  }
};

struct ReLU {
  static constexpr const char* name = "relu";
  static constexpr const char* gated_name = "reglu";
  template <class T>
  static T value(T x) {
    return math::relu(x);
  }
  template <class T>
  static T grad(T x) {
    return math::relu_grad(x);
  }
  template <class T>
  static T grad2(T x) {
    return math::relu_grad2(x);
  }
};

struct GELU {  // the exact erf GELU, not the tanh form
  static constexpr const char* name = "gelu";
  static constexpr const char* gated_name = "geglu";
  template <class T>
  static T value(T x) {
    return math::gelu(x);
  }
  template <class T>
  static T grad(T x) {
    return math::gelu_grad(x);
  }
  template <class T>
  static T grad2(T x) {
    return math::gelu_grad2(x);
  }
};

struct Swish {  // swish with beta = 1, i.e. SiLU
  static constexpr const char* name = "swish";
  static constexpr const char* gated_name = "swiglu";
  template <class T>
  static T value(T x) {
    return math::swish(x, T(1));
  }
  template <class T>
  static T grad(T x) {
    return math::swish_grad_x(x, T(1));
  }
  template <class T>
  static T grad2(T x) {
    return math::swish_grad_x2(x, T(1));
  }
};

}  // namespace gate_activation

// The one switch over the kinds: calls fn with the row of act (an object of its type) and returns
// what fn returns. Everything else that depends on the kind is written once, inside fn.
template <class Fn>
decltype(auto) with_gate_activation(GateActivation act, Fn&& fn) {
  switch (act) {
    case GateActivation::Sigmoid:
      return fn(gate_activation::Sigmoid{});
    case GateActivation::Identity:
      return fn(gate_activation::Identity{});
    case GateActivation::ReLU:
      return fn(gate_activation::ReLU{});
    case GateActivation::GELU:
      return fn(gate_activation::GELU{});
    case GateActivation::Swish:
      return fn(gate_activation::Swish{});
  }
  fail("gate activation", "unknown kind ", static_cast<int>(act));
}

// "sigmoid", "identity", "relu", "gelu", "swish".
inline const char* gate_activation_name(GateActivation act) {
  return with_gate_activation(act, [](auto kind) { return kind.name; });
}
// The family member: "glu", "bilinear", "reglu", "geglu", "swiglu".
inline const char* gated_name(GateActivation act) {
  return with_gate_activation(act, [](auto kind) { return kind.gated_name; });
}

}  // namespace tg
