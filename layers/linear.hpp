// layers/linear.hpp — nn::Linear, y = x W^T + b, as torch.nn.Linear.
//
// Layer: layers. Shapes: x (..., in) -> y (..., out); weight (out, in); bias (out,) or none.
// Initialisation as PyTorch's default: every weight and bias drawn from U(-k, k), k = 1/sqrt(in).
// (PyTorch writes this as kaiming_uniform_ with a = sqrt(5): bound = gain sqrt(3 / in) with
// gain = sqrt(2 / (1 + a^2)) = sqrt(1/3), which is 1/sqrt(in).) That keeps the output's scale
// roughly independent of `in`: each output sums `in` terms of variance k^2/3 Var(x).
#pragma once

#include <cstdint>

#include "core/random.hpp"
#include "layers/module.hpp"

namespace tg::nn {

class Linear : public Module {
 public:
  Linear(std::int64_t in, std::int64_t out, Generator& gen, bool bias = true,
         DType dtype = float32);
  Tensor forward(const Tensor& x) const;
  Tensor operator()(const Tensor& x) const { return forward(x); }

  std::int64_t in_features() const { return weight.size(1); }
  std::int64_t out_features() const { return weight.size(0); }

  Tensor weight;  // (out, in)
  Tensor bias;    // (out,), undefined when constructed with bias = false
};

}  // namespace tg::nn
