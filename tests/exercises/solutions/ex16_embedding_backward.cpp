// Reference solution to ex16.
#include "exercises.hpp"

namespace ex {

Tensor embedding_backward(const std::vector<std::int64_t>& ids, const Tensor& grad_out,
                          std::int64_t num) {
  // out[p] = weight[ids[p]], so weight row r receives the gradient of every position that read
  // it: dweight[r] = sum over p with ids[p] == r of g[p]. Rows nobody read get 0.
  const std::int64_t dim = grad_out.size(1);
  const std::vector<double> g = grad_out.to_vector();
  std::vector<double> dw(static_cast<std::size_t>(num * dim), 0.0);
  for (std::size_t p = 0; p < ids.size(); ++p)
    for (std::int64_t j = 0; j < dim; ++j) dw[ids[p] * dim + j] += g[p * dim + j];  // +=, not =
  return tg::tensor(dw, {num, dim}, tg::float64);
}

}  // namespace ex
