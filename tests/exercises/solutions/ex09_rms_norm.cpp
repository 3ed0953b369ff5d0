// Reference solution to ex09.
#include <cmath>

#include "exercises.hpp"

namespace ex {

Tensor rms_norm_backward(const Tensor& x, const Tensor& w, double eps, const Tensor& grad_out) {
  // y_j = x_j w_j / r, r = sqrt(mean(x^2) + eps), dr/dx_j = x_j / (d r):
  //   dx_j = w_j g_j / r - x_j / (d r^3) * sum_i g_i w_i x_i
  const std::int64_t N = x.size(0), d = x.size(1);
  Tensor dx = tg::zeros_like(x);
  for (std::int64_t n = 0; n < N; ++n) {
    double ms = 0, dot = 0;
    for (std::int64_t j = 0; j < d; ++j) ms += x.at({n, j}) * x.at({n, j}) / static_cast<double>(d);
    const double r = std::sqrt(ms + eps);
    for (std::int64_t j = 0; j < d; ++j) dot += grad_out.at({n, j}) * w.at({j}) * x.at({n, j});
    for (std::int64_t j = 0; j < d; ++j)
      dx.set({n, j}, w.at({j}) * grad_out.at({n, j}) / r -
                         x.at({n, j}) * dot / (static_cast<double>(d) * r * r * r));
  }
  return dx;
}

}  // namespace ex
