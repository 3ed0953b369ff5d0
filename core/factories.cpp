// core/factories.cpp — tensors made from values: zeros, ones, full, arange, linspace, tensor.
// Layer: core. Random factories are in random.cpp.
#include <cmath>

#include "core/error.hpp"
#include "core/ops.hpp"

namespace tg {

Tensor ones(const Shape& shape, DType dtype) {
  Tensor out = empty(shape, dtype, "ones");
  out.fill_(1.0);
  return out;
}
Tensor full(const Shape& shape, double value, DType dtype) {
  Tensor out = empty(shape, dtype, "full");
  out.fill_(value);
  return out;
}
Tensor scalar(double value, DType dtype) {
  return full({}, value, dtype);
}
Tensor zeros_like(const Tensor& t) {
  return zeros(t.shape(), t.dtype());
}
Tensor ones_like(const Tensor& t) {
  return ones(t.shape(), t.dtype());
}

Tensor arange(double start, double end, double step, DType dtype) {
  if (step == 0 || !std::isfinite(start) || !std::isfinite(end) || !std::isfinite(step))
    fail("arange", "needs finite start, end and a nonzero step, got start=", start, " end=", end,
         " step=", step);
  const double count = std::ceil((end - start) / step);
  if (count > 1e12) fail("arange", "would make ", count, " elements");
  const auto n = static_cast<std::int64_t>(count > 0 ? count : 0);
  Tensor out = zeros({n}, dtype);
  // start + i*step rather than repeated += step, so rounding errors do not pile up.
  for (std::int64_t i = 0; i < n; ++i) out.set({i}, start + static_cast<double>(i) * step);
  return out;
}

Tensor linspace(double start, double end, std::int64_t n, DType dtype) {
  if (n < 0) fail("linspace", "needs n >= 0, got ", n);
  Tensor out = zeros({n}, dtype);
  for (std::int64_t i = 0; i < n; ++i) {
    // The last point is `end` exactly, not start + (n-1)*step with its rounding.
    const double t = n == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(n - 1);
    out.set({i}, i == n - 1 && n > 1 ? end : start + t * (end - start));
  }
  return out;
}

Tensor tensor(const std::vector<double>& values, const Shape& shape, DType dtype) {
  const Shape s = shape.empty() ? Shape{static_cast<std::int64_t>(values.size())} : shape;
  if (numel(s) != static_cast<std::int64_t>(values.size()))
    fail("tensor", values.size(), " values do not fill shape ", s, " (", numel(s), " elements)");
  Tensor out = zeros(s, dtype);
  dispatch(dtype, [&](auto zero) {
    using T = decltype(zero);
    T* p = out.data<T>();
    for (std::size_t i = 0; i < values.size(); ++i) p[i] = static_cast<T>(values[i]);
  });
  return out;
}

}  // namespace tg
