// layers/embedding.cpp — see embedding.hpp.
#include "layers/embedding.hpp"

#include "core/error.hpp"
#include "core/ops.hpp"

namespace tg::nn {

Embedding::Embedding(std::int64_t num, std::int64_t dim, Generator& gen, DType dtype) {
  if (num <= 0 || dim <= 0) fail("Embedding", "needs positive sizes, got num=", num, " dim=", dim);
  weight = register_parameter("weight", randn({num, dim}, gen, dtype));
}

Tensor Embedding::forward(const std::vector<std::int64_t>& ids, const Shape& shape) const {
  if (numel(shape) != static_cast<std::int64_t>(ids.size()))
    fail("Embedding", ids.size(), " ids do not fill shape ", shape);
  Shape out_shape = shape;
  out_shape.push_back(dim());
  return index_select(weight, 0, ids).reshape(out_shape);  // (n, dim) -> shape + (dim,)
}

}  // namespace tg::nn
