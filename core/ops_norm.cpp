// core/ops_norm.cpp — RMSNorm as one op: its formula, then its backward derived by hand.
//
// Layer: core. Shapes: x (..., d), weight (d,) -> (..., d). The layer (nn::RMSNorm) is in
// layers/norms.hpp; this is the op it calls, as linear is for nn::Linear.
#include <cmath>
#include <vector>

#include "core/create_graph.hpp"
#include "core/error.hpp"
#include "core/ops.hpp"
#include "core/tape.hpp"

namespace tg {

// One op rather than six (mul, mean, add, sqrt, div, mul): one pass over x forward and one
// backward, and only the per-row 1/r is kept. For a row x (d,), with r = sqrt(mean(x^2) + eps)
// and g the output's gradient:
//   y_i  = x_i w_i / r
//   dx_j = w_j g_j / r - x_j / (d r^3) sum_i g_i w_i x_i       (derived in docs/attention.md)
//   dw_j = sum over rows of g_j x_j / r
// The composite form, x / sqrt(mean(x * x, -1, true) + eps) * weight, computes the same; a test
// compares the two, values and gradients. Under create_graph (docs/higher-order.md) the backward
// computes the formulas above with recorded ops, 1/r among them, so it differentiates again.
Tensor rms_norm(const Tensor& x, const Tensor& weight, double eps) {
  if (x.dim() < 1 || weight.dim() != 1 || x.size(-1) != weight.size(0))
    fail("RMSNorm", "expects x (..., d) and weight (d,), got x ", x.shape(), " and weight ",
         weight.shape());
  if (x.dtype() != weight.dtype())
    fail("RMSNorm", "dtypes differ: x ", dtype_name(x.dtype()), ", weight ",
         dtype_name(weight.dtype()));
  // rows: the product of x's leading sizes (not numel / d, which is 0 / 0 when d = 0)
  const std::int64_t d = weight.size(0),
                     rows = numel(Shape(x.shape().begin(), x.shape().end() - 1));
  Tensor y = empty(x.shape(), x.dtype()), inv_r = empty({rows}, x.dtype());
  dispatch(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T *px = x.data<T>(), *pw = weight.data<T>();
    T *py = y.data<T>(), *pr = inv_r.data<T>();
    for (std::int64_t n = 0; n < rows; ++n) {
      const T* xr = px + n * d;
      double sum_sq = 0;  // sums in double, rounded once (see sum in core/ops_reduce.cpp)
      for (std::int64_t i = 0; i < d; ++i) sum_sq += static_cast<double>(xr[i]) * xr[i];
      const T inv = static_cast<T>(1.0 / std::sqrt(sum_sq / static_cast<double>(d) + eps));
      pr[n] = inv;
      for (std::int64_t i = 0; i < d; ++i) py[n * d + i] = xr[i] * inv * pw[i];
    }
  });
  return record("rms_norm", {x, weight}, y, [x, weight, inv_r, d, rows, eps](const Tensor& g) {
    if (is_creating_graph()) {  // the same formulas as recorded ops, to differentiate again
      const Tensor r = pow(mean(x * x, -1, true) + eps, -0.5);  // 1/r, (..., 1), with its history
      if (x.requires_grad()) {  // w g / r - x / (d r^3) sum_i g_i w_i x_i
        const Tensor gw = g * weight;
        accumulate_grad(x, gw * r - x * (sum(gw * x, -1, true) * pow(r, 3.0) * (1.0 / d)));
      }
      if (weight.requires_grad()) accumulate_grad(weight, g * (x * r));  // summed over rows
      return;
    }
    // course ex09 begin: RMSNorm's backward, dx and dweight from dy
    Tensor dx = empty(x.shape(), x.dtype()), dw = empty({d}, x.dtype());
    dispatch(x.dtype(), [&](auto zero) {
      using T = decltype(zero);
      const T *px = x.data<T>(), *pw = weight.data<T>(), *pg = g.data<T>(), *pr = inv_r.data<T>();
      T *pdx = dx.data<T>(), *pdw = dw.data<T>();
      std::vector<double> dw_sum(static_cast<std::size_t>(d), 0.0);  // over rows, in double
      for (std::int64_t n = 0; n < rows; ++n) {
        const T *xr = px + n * d, *gr = pg + n * d, inv = pr[n];
        double dot = 0;  // sum_i g_i w_i x_i
        for (std::int64_t i = 0; i < d; ++i) dot += static_cast<double>(gr[i] * pw[i]) * xr[i];
        const T k = static_cast<T>(dot * inv * inv * inv / static_cast<double>(d));
        for (std::int64_t i = 0; i < d; ++i) {
          pdx[n * d + i] = pw[i] * gr[i] * inv - xr[i] * k;
          dw_sum[static_cast<std::size_t>(i)] += static_cast<double>(gr[i] * xr[i] * inv);
        }
      }
      for (std::int64_t i = 0; i < d; ++i)
        pdw[i] = static_cast<T>(dw_sum[static_cast<std::size_t>(i)]);
    });
    accumulate_grad(x, std::move(dx));
    accumulate_grad(weight, std::move(dw));
    // course ex09 end
  });
}

}  // namespace tg
