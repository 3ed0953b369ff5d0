// layers/dropout.hpp — dropout: randomly zero activations while training.
//
// Layer: layers. In training, each element is kept with probability 1 - p and scaled by
// 1/(1 - p), so the expected value is unchanged: E[out] = (1 - p) x / (1 - p) = x. In evaluation
// it is the identity. The mask is a tensor of 0 and 1/(1-p) drawn from `gen`; out = x * mask, so
// the gradient is g * mask (dropped elements get none).
#pragma once

#include <cstdint>

#include "core/random.hpp"
#include "layers/module.hpp"

namespace tg::nn {

// The scaled keep-mask for a tensor of `shape`: 1/(1-p) with probability 1-p, else 0.
Tensor dropout_mask(const Shape& shape, double p, Generator& gen, DType dtype = float32);

// x * dropout_mask(...) when training and p > 0; x itself otherwise.
Tensor dropout(const Tensor& x, double p, Generator& gen, bool training);

class Dropout : public Module {
 public:
  explicit Dropout(double p, std::uint64_t seed = 0);
  Tensor forward(const Tensor& x) { return dropout(x, p_, *gen_, is_training()); }
  Tensor operator()(const Tensor& x) { return forward(x); }

 private:
  double p_;
  std::shared_ptr<Generator> gen_;  // named_generators(): "generator"
};

}  // namespace tg::nn
