// activations/pointwise.cpp — relu, leaky_relu, sigmoid, tanh, gelu, silu, softplus.
//
// Layer: activations. Each is core's pointwise(): a fused elementwise op whose record keeps
// only x and whose backward is dx = g * f'(x), with f, f' and f'' (for a second derivative,
// docs/higher-order.md) from core/activation_math.hpp.
#include "core/pointwise.hpp"

#include <cmath>

#include "activations/activations.hpp"
#include "core/activation_math.hpp"
#include "core/error.hpp"

namespace tg {

Tensor relu(const Tensor& x) {
  return pointwise(
      "relu", "relu_grad", x, [](auto v) { return math::relu(v); },
      [](auto v) { return math::relu_grad(v); }, [](auto v) { return math::relu_grad2(v); });
}

Tensor leaky_relu(const Tensor& x, double slope) {
  return pointwise(
      "leaky_relu", "leaky_relu_grad", x,
      [slope](auto v) { return math::leaky_relu(v, decltype(v)(slope)); },
      [slope](auto v) { return math::leaky_relu_grad(v, decltype(v)(slope)); },
      [slope](auto v) { return math::leaky_relu_grad2(v, decltype(v)(slope)); });
}

Tensor sigmoid(const Tensor& x) {
  return pointwise(
      "sigmoid", "sigmoid_grad", x, [](auto v) { return math::sigmoid(v); },
      [](auto v) { return math::sigmoid_grad(v); }, [](auto v) { return math::sigmoid_grad2(v); });
}

Tensor tanh(const Tensor& x) {
  return pointwise(
      "tanh", "tanh_grad", x, [](auto v) { return std::tanh(v); },
      [](auto v) { return math::tanh_grad(v); }, [](auto v) { return math::tanh_grad2(v); });
}

Tensor gelu(const Tensor& x, GeluApproximation approximation) {
  if (approximation == GeluApproximation::Tanh)
    return pointwise(
        "gelu_tanh", "gelu_tanh_grad", x, [](auto v) { return math::gelu_tanh(v); },
        [](auto v) { return math::gelu_tanh_grad(v); },
        [](auto v) { return math::gelu_tanh_grad2(v); });
  return pointwise(
      "gelu", "gelu_grad", x, [](auto v) { return math::gelu(v); },
      [](auto v) { return math::gelu_grad(v); }, [](auto v) { return math::gelu_grad2(v); });
}

Tensor silu(const Tensor& x) {
  return pointwise(
      "silu", "silu_grad", x, [](auto v) { return math::swish(v, decltype(v)(1)); },
      [](auto v) { return math::swish_grad_x(v, decltype(v)(1)); },
      [](auto v) { return math::swish_grad_x2(v, decltype(v)(1)); });
}

Tensor softplus(const Tensor& x, double beta, double threshold) {
  if (!(beta > 0) || !std::isfinite(beta) ||
      (x.dtype() == float32 && (beta < 1e-30 || beta > 1e30)))
    fail("softplus", "needs a finite beta > 0 (within 1e-30..1e30 for float32), got ", beta);
  return pointwise(
      "softplus", "softplus_grad", x,
      [beta, threshold](auto v) {
        using T = decltype(v);
        return math::softplus(v, T(beta), T(threshold));
      },
      [beta, threshold](auto v) {
        using T = decltype(v);
        return math::softplus_grad(v, T(beta), T(threshold));
      },
      [beta, threshold](auto v) {
        using T = decltype(v);
        return math::softplus_grad2(v, T(beta), T(threshold));
      });
}

}  // namespace tg
