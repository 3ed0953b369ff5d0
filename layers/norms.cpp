// layers/norms.cpp — see norms.hpp.
#include "layers/norms.hpp"

#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "core/ops.hpp"
#include "core/tape.hpp"

namespace tg::nn {

namespace {
void check_input(const char* op, const Tensor& x, const Tensor& weight) {
  if (x.dim() < 1 || weight.dim() != 1 || x.size(-1) != weight.size(0))
    fail(op, "expects x (..., d) and weight (d,), got x ", x.shape(), " and weight ",
         weight.shape());
}
}  // namespace

RMSNorm::RMSNorm(std::int64_t d, double eps_, DType dtype) : eps(eps_) {
  if (d <= 0) fail("RMSNorm", "needs d > 0, got ", d);
  weight = register_parameter("weight", ones({d}, dtype));
}

Tensor layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, double eps) {
  check_input("LayerNorm", x, weight);
  const Tensor centred = x - mean(x, -1, true);
  const Tensor variance = mean(centred * centred, -1, true);  // biased, as PyTorch
  const Tensor y = centred / sqrt(variance + eps) * weight;
  return bias.defined() ? y + bias : y;
}

Tensor RMSNorm::forward(const Tensor& x) const {
  return rms_norm(x, weight, eps);
}

LayerNorm::LayerNorm(std::int64_t d, double eps_, bool has_bias, DType dtype) : eps(eps_) {
  if (d <= 0) fail("LayerNorm", "needs d > 0, got ", d);
  weight = register_parameter("weight", ones({d}, dtype));
  if (has_bias) bias = register_parameter("bias", zeros({d}, dtype));
}

Tensor LayerNorm::forward(const Tensor& x) const {
  return layer_norm(x, weight, bias, eps);
}

}  // namespace tg::nn
