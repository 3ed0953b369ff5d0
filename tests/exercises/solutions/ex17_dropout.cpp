// Reference solution to ex17.
#include "exercises.hpp"

namespace ex {

DropoutOutput dropout_forward(const Tensor& x, double p, tg::Generator& gen, bool training) {
  if (!training || p == 0) return {x, tg::ones(x.shape(), x.dtype())};
  const double keep = 1 / (1 - p);  // so that E[out] = (1 - p) x keep = x
  std::vector<double> mask(static_cast<std::size_t>(x.numel()));
  for (double& m : mask) m = gen.uniform() < p ? 0.0 : keep;
  const Tensor m = tg::tensor(mask, x.shape(), x.dtype());
  return {tg::mul(x, m), m};
}

Tensor dropout_backward(const Tensor& grad_out, const Tensor& mask) {
  // out = x * mask with the mask a constant: dx = g * mask, the same elements dropped.
  return tg::mul(grad_out, mask);
}

}  // namespace ex
