// layers/rope.cpp — see rope.hpp.
#include "layers/rope.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/ops.hpp"

namespace tg::nn {

RopeTables rope_tables(std::int64_t T, std::int64_t hd, double base, DType dtype) {
  if (hd <= 0 || hd % 2 != 0) fail("rope", "head size must be even and positive, got ", hd);
  if (T <= 0) fail("rope", "needs at least one position, got ", T);
  RopeTables t{zeros({T, hd}, dtype), zeros({T, hd}, dtype)};
  const std::int64_t half = hd / 2;
  for (std::int64_t pos = 0; pos < T; ++pos)
    for (std::int64_t i = 0; i < half; ++i) {
      // theta_i = base^(-2i/hd), computed in double as HF does in float32 for inv_freq.
      const double angle = static_cast<double>(pos) *
                           std::pow(base, -2.0 * static_cast<double>(i) / static_cast<double>(hd));
      for (std::int64_t j : {i, i + half}) {
        t.cos.set({pos, j}, std::cos(angle));
        t.sin.set({pos, j}, std::sin(angle));
      }
    }
  return t;
}

Tensor rotate_half(const Tensor& x) {
  const std::int64_t hd = x.size(-1);
  const Tensor x1 = slice(x, -1, 0, hd / 2), x2 = slice(x, -1, hd / 2, hd);
  return concat({neg(x2), x1}, -1);
}

Tensor apply_rope(const Tensor& x, const RopeTables& tables, std::int64_t position_axis) {
  const std::int64_t axis = position_axis < 0 ? position_axis + x.dim() : position_axis;
  if (x.dim() < 2 || axis < 0 || axis >= x.dim() - 1 || x.size(-1) != tables.cos.size(1) ||
      x.size(axis) > tables.cos.size(0))
    fail("rope", "input ", x.shape(), " with positions on axis ", position_axis,
         " does not fit tables for ", tables.cos.size(0), " positions of size ",
         tables.cos.size(1));
  const std::int64_t T = x.size(axis);
  // (T, hd) -> (T, 1, ..., hd): a 1 for each axis between positions and features (the heads of
  // a (B, T, H, hd) input), so that the tables broadcast over it.
  Shape table_shape{T};
  for (std::int64_t i = axis + 1; i < x.dim() - 1; ++i) table_shape.push_back(1);
  table_shape.push_back(x.size(-1));
  const Tensor cos = slice(tables.cos, 0, 0, T).reshape(table_shape),
               sin = slice(tables.sin, 0, 0, T).reshape(table_shape);
  return x * cos + rotate_half(x) * sin;
}

}  // namespace tg::nn
