// Reference solution to ex14.
#include <cmath>

#include "exercises.hpp"

namespace ex {

LayerNormGrads layer_norm_backward(const Tensor& x, const Tensor& weight, double eps,
                                   const Tensor& grad_out) {
  // x, grad_out (N, d); weight (d,). Per row: xhat = (x - mean) / s, s = sqrt(var + eps),
  // y = xhat w + b. Then dbias = sum_n g, dweight = sum_n g xhat, and with gh = g w (dL/dxhat):
  //   dx = (gh - mean(gh) - xhat mean(gh xhat)) / s.
  const std::int64_t N = x.size(0), d = x.size(1);
  const std::vector<double> xs = x.to_vector(), w = weight.to_vector(), g = grad_out.to_vector();
  std::vector<double> dx(xs.size()), dw(d, 0.0), db(d, 0.0), xhat(d), gh(d);
  for (std::int64_t n = 0; n < N; ++n) {
    const double* row = xs.data() + n * d;
    const double* grow = g.data() + n * d;
    double mean = 0, var = 0;
    for (std::int64_t j = 0; j < d; ++j) mean += row[j];
    mean /= d;
    for (std::int64_t j = 0; j < d; ++j) var += (row[j] - mean) * (row[j] - mean);
    var /= d;
    const double s = std::sqrt(var + eps);
    double mean_gh = 0, mean_gh_xhat = 0;
    for (std::int64_t j = 0; j < d; ++j) {
      xhat[j] = (row[j] - mean) / s;
      gh[j] = grow[j] * w[j];
      db[j] += grow[j];
      dw[j] += grow[j] * xhat[j];
      mean_gh += gh[j] / d;
      mean_gh_xhat += gh[j] * xhat[j] / d;
    }
    for (std::int64_t j = 0; j < d; ++j)
      dx[n * d + j] = (gh[j] - mean_gh - xhat[j] * mean_gh_xhat) / s;
  }
  return {tg::tensor(dx, {N, d}, tg::float64), tg::tensor(dw, {d}, tg::float64),
          tg::tensor(db, {d}, tg::float64)};
}

}  // namespace ex
