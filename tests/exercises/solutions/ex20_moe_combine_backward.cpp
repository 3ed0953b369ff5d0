// Reference solution to ex20.
#include <cmath>

#include "exercises.hpp"

namespace ex {

CombineGrads moe_combine_backward(const Tensor& logits, const Tensor& experts,
                                  const Tensor& grad_out) {
  const std::int64_t N = experts.size(0), k = experts.size(1), d = experts.size(2);
  const std::vector<double> s = logits.to_vector(), e = experts.to_vector(),
                            g = grad_out.to_vector();
  std::vector<double> dw(static_cast<std::size_t>(N * k)), ds(dw.size()),
      de(static_cast<std::size_t>(N * k * d));
  for (std::int64_t n = 0; n < N; ++n) {
    // w = softmax(s[n]), shifted by the largest logit so that exp cannot overflow.
    double top = s[n * k], sum = 0;
    for (std::int64_t j = 1; j < k; ++j) top = std::max(top, s[n * k + j]);
    std::vector<double> w(static_cast<std::size_t>(k));
    for (std::int64_t j = 0; j < k; ++j) sum += w[j] = std::exp(s[n * k + j] - top);
    for (double& x : w) x /= sum;
    // y[n] = sum_j w_j e_j: dL/de_j = w_j g (a scaled row), dL/dw_j = <g, e_j> (how far y moves
    // along g when w_j grows).
    double mean = 0;  // sum_j w_j dL/dw_j
    for (std::int64_t j = 0; j < k; ++j) {
      double dot = 0;
      for (std::int64_t c = 0; c < d; ++c) {
        const std::int64_t at = (n * k + j) * d + c;
        de[at] = w[j] * g[n * d + c];
        dot += g[n * d + c] * e[at];
      }
      dw[n * k + j] = dot;
      mean += w[j] * dot;
    }
    // Through the softmax: ds_j = w_j (dw_j - sum_i w_i dw_i). The row of ds sums to 0: moving
    // every chosen logit by the same amount changes no weight.
    for (std::int64_t j = 0; j < k; ++j) ds[n * k + j] = w[j] * (dw[n * k + j] - mean);
  }
  return {tg::tensor(dw, {N, k}, tg::float64), tg::tensor(ds, {N, k}, tg::float64),
          tg::tensor(de, {N, k, d}, tg::float64)};
}

}  // namespace ex
