// Reference solution to ex09.
#include <cmath>

#include "exercises.hpp"

namespace ex {

RmsNormGrads rms_norm_backward(const Tensor& x, const Tensor& w, double eps,
                               const Tensor& grad_out) {
  // y_j = x_j w_j / r, r = sqrt(mean(x^2) + eps), dr/dx_j = x_j / (d r):
  //   dx_j = w_j g_j / r - x_j / (d r^3) * sum_i g_i w_i x_i
  //   dw_j = sum over rows of g_j x_j / r         (w_j multiplies x_j / r in every row)
  const std::int64_t N = x.size(0), d = x.size(1);
  std::vector<double> xs = x.to_vector(), ws = w.to_vector(), gs = grad_out.to_vector();
  std::vector<double> dx(xs.size()), dw(static_cast<std::size_t>(d), 0.0);
  for (std::int64_t n = 0; n < N; ++n) {
    const double* xr = xs.data() + n * d;
    const double* gr = gs.data() + n * d;
    double ms = 0, dot = 0;
    for (std::int64_t j = 0; j < d; ++j) ms += xr[j] * xr[j] / static_cast<double>(d);
    const double r = std::sqrt(ms + eps);
    for (std::int64_t j = 0; j < d; ++j) dot += gr[j] * ws[j] * xr[j];
    for (std::int64_t j = 0; j < d; ++j) {
      dx[n * d + j] = ws[j] * gr[j] / r - xr[j] * dot / (static_cast<double>(d) * r * r * r);
      dw[j] += gr[j] * xr[j] / r;
    }
  }
  return {tg::tensor(dx, x.shape(), x.dtype()), tg::tensor(dw, w.shape(), w.dtype())};
}

}  // namespace ex
