// Reference solution to ex12.
#include <cmath>

#include "exercises.hpp"

namespace ex {

AttentionGrads attention_backward(const Tensor& q, const Tensor& k, const Tensor& v,
                                  const Tensor& grad_out) {
  using namespace tg;
  NoGradGuard no_grad;
  const std::int64_t T = q.size(0), d = q.size(1);
  const double scale = 1 / std::sqrt(static_cast<double>(d));
  Tensor mask = zeros({T, T}, q.dtype());
  for (std::int64_t i = 0; i < T; ++i)
    for (std::int64_t j = i + 1; j < T; ++j) mask.set({i, j}, 1);
  const Tensor p = softmax(masked_fill(matmul(q, transpose(k, 0, 1)) * scale, mask, -INFINITY), 1);
  // O = P V:             dV = P^T dO,  dP = dO V^T
  const Tensor dv = matmul(transpose(p, 0, 1), grad_out);
  const Tensor dp = matmul(grad_out, transpose(v, 0, 1));
  // P = softmax(S) rows: dS = P * (dP - rowsum(dP * P)); masked entries have P = 0, so dS = 0.
  const Tensor ds = p * (dp - sum(dp * p, 1, true));
  // S = Q K^T * scale:   dQ = dS K * scale,  dK = dS^T Q * scale
  return {matmul(ds, k) * scale, matmul(transpose(ds, 0, 1), q) * scale, dv};
}

}  // namespace ex
