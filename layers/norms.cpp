// layers/norms.cpp — see norms.hpp.
#include "layers/norms.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/tape.hpp"
#include "core/ops.hpp"

namespace tg::nn {

namespace {
void check_input(const char* op, const Tensor& x, const Tensor& weight) {
  if (x.dim() < 1 || x.size(-1) != weight.size(0))
    fail(op, "expects (..., ", weight.size(0), "), got ", x.shape());
}
}  // namespace

RMSNorm::RMSNorm(std::int64_t d, double eps_, DType dtype) : eps(eps_) {
  if (d <= 0) fail("RMSNorm", "needs d > 0, got ", d);
  weight = register_parameter("weight", ones({d}, dtype));
}

// One op rather than six (mul, mean, add, sqrt, div, mul): one pass over x forward and one
// backward, and only the per-row 1/r is kept. For a row x (d,), with r = sqrt(mean(x^2) + eps):
//   y_i  = x_i w_i / r
//   dx_j = w_j dy_j / r - x_j / (d r^3) sum_i dy_i w_i x_i      (derived in docs/attention.md)
//   dw_j = sum over rows of dy_j x_j / r
// The composite form, x / sqrt(mean(x * x, -1, true) + eps) * weight, computes the same; a test
// compares the two, values and gradients.
Tensor rms_norm(const Tensor& x, const Tensor& weight, double eps) {
  check_input("RMSNorm", x, weight);
  if (x.dtype() != weight.dtype())
    fail("RMSNorm", "dtypes differ: x ", dtype_name(x.dtype()), ", weight ",
         dtype_name(weight.dtype()));
  const std::int64_t d = weight.size(0), rows = x.numel() / d;
  Tensor y = uninitialized(x.shape(), x.dtype()), inv_r = uninitialized({rows}, x.dtype());
  dispatch(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T *px = x.data<T>(), *pw = weight.data<T>();
    T *py = y.data<T>(), *pr = inv_r.data<T>();
    for (std::int64_t n = 0; n < rows; ++n) {
      const T* xr = px + n * d;
      T sum_sq = 0;
      for (std::int64_t i = 0; i < d; ++i) sum_sq += xr[i] * xr[i];
      const T inv = T(1) / std::sqrt(sum_sq / static_cast<T>(d) + static_cast<T>(eps));
      pr[n] = inv;
      for (std::int64_t i = 0; i < d; ++i) py[n * d + i] = xr[i] * inv * pw[i];
    }
  });
  return record("rms_norm", {x, weight}, y, [x, weight, inv_r, d, rows](const Tensor& g) {
    Tensor dx = uninitialized(x.shape(), x.dtype()), dw = zeros({d}, x.dtype());
    dispatch(x.dtype(), [&](auto zero) {
      using T = decltype(zero);
      const T *px = x.data<T>(), *pw = weight.data<T>(), *pg = g.data<T>(), *pr = inv_r.data<T>();
      T *pdx = dx.data<T>(), *pdw = dw.data<T>();
      for (std::int64_t n = 0; n < rows; ++n) {
        const T *xr = px + n * d, *gr = pg + n * d, inv = pr[n];
        T dot = 0;  // sum_i dy_i w_i x_i
        for (std::int64_t i = 0; i < d; ++i) dot += gr[i] * pw[i] * xr[i];
        const T k = dot * inv * inv * inv / static_cast<T>(d);
        for (std::int64_t i = 0; i < d; ++i) {
          pdx[n * d + i] = pw[i] * gr[i] * inv - xr[i] * k;
          pdw[i] += gr[i] * xr[i] * inv;
        }
      }
    });
    accumulate_grad(x, std::move(dx));
    accumulate_grad(weight, std::move(dw));
  });
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
