// Reference solution to ex02.
#include "exercises.hpp"

namespace ex {

Tensor reduce_to(const Tensor& grad, const Shape& shape) {
  Tensor g = grad;
  // Leading axes that broadcasting added: sum them away.
  while (g.dim() > static_cast<std::int64_t>(shape.size())) g = tg::sum(g, 0);
  // Axes where the input had size 1: sum, keeping the axis.
  for (std::size_t k = 0; k < shape.size(); ++k)
    if (shape[k] == 1 && g.shape()[k] != 1) g = tg::sum(g, static_cast<std::int64_t>(k), true);
  return g;
}

}  // namespace ex
