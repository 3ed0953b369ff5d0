// layers/norms.hpp — RMSNorm and LayerNorm over the last axis.
//
// Layer: layers. Shapes: x (..., d) -> (..., d); weight (d,), bias (d,).
//
//   RMSNorm(x)   = x / sqrt(mean(x^2) + eps) * weight               (Zhang & Sennrich 2019; Llama)
//   LayerNorm(x) = (x - mean(x)) / sqrt(var(x) + eps) * weight + bias   (Ba et al. 2016; GPT-2)
//
// with mean and (biased) var over the last axis. RMSNorm skips the centring: one reduction
// instead of two, no bias, and in practice as good. LayerNorm is written with primitive ops, so
// the tape derives its backward. RMSNorm, in every block of the transformer, is one op with the
// backward derived by hand (core/ops_norm.cpp, docs/attention.md); float64 gradient checks prove
// both.
#pragma once

#include <cstdint>

#include "layers/module.hpp"

namespace tg::nn {

// The function behind LayerNorm (RMSNorm's is the op tg::rms_norm, core/ops_norm.cpp).
// weight (d,); bias (d,) or undefined.
Tensor layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, double eps);

class RMSNorm : public Module {
 public:
  explicit RMSNorm(std::int64_t d, double eps = 1e-5, DType dtype = float32);
  Tensor forward(const Tensor& x) const;
  Tensor weight;  // (d,), initialised to 1
  double eps;
};

class LayerNorm : public Module {
 public:
  explicit LayerNorm(std::int64_t d, double eps = 1e-5, bool bias = true, DType dtype = float32);
  Tensor forward(const Tensor& x) const;
  Tensor weight;  // (d,), initialised to 1
  Tensor bias;    // (d,), initialised to 0; undefined without bias
  double eps;
};

}  // namespace tg::nn
