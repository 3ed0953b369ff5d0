// activations/activations.hpp — the activation functions, as differentiable tensor ops.
//
// Layer: activations (depends on core/). Each is elementwise: out has x's shape. The formulas
// and derivatives are in core/activation_math.hpp; the derivations in docs/activations.md. The
// gated (GLU) family is in glu.hpp.
#pragma once

#include "core/tensor.hpp"

namespace tg {

// max(x, 0). Derivative 1 for x > 0, 0 otherwise (0 at x = 0, as PyTorch).
Tensor relu(const Tensor& x);
// x for x > 0, slope * x otherwise.
Tensor leaky_relu(const Tensor& x, double slope = 0.01);
// 1 / (1 + e^-x), computed without overflow for any x.
Tensor sigmoid(const Tensor& x);
Tensor tanh(const Tensor& x);

enum class GeluApproximation { None, Tanh };
// x Phi(x) with the exact normal CDF (None, the default, as PyTorch), or the tanh formula.
Tensor gelu(const Tensor& x, GeluApproximation approximation = GeluApproximation::None);

// SiLU = swish with beta = 1: x sigma(x).
Tensor silu(const Tensor& x);
// Swish: x sigma(beta x), fused (one op; backward recomputes sigma from x).
Tensor swish(const Tensor& x, double beta = 1.0);
// Swish with a tensor beta, which may require grad (learnable). beta broadcasts against x:
// shape () for one shared beta, or (d,) for one per feature of a (..., d) input.
Tensor swish(const Tensor& x, const Tensor& beta);
// The same two, composed from primitives (mul, sigmoid): the reference the fused ones are
// tested against, and what a reader would write first.
Tensor swish_composite(const Tensor& x, double beta = 1.0);
Tensor swish_composite(const Tensor& x, const Tensor& beta);

// log(1 + e^(beta x)) / beta; returns x where beta x > threshold (as PyTorch).
Tensor softplus(const Tensor& x, double beta = 1.0, double threshold = 20.0);

}  // namespace tg
