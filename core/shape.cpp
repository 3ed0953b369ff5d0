// core/shape.cpp — see shape.hpp.
#include "core/shape.hpp"

#include "core/error.hpp"

namespace tg {

std::int64_t numel(const Shape& shape) {
  std::int64_t n = 1;
  for (std::int64_t s : shape)
    if (__builtin_mul_overflow(n, s, &n))
      fail("numel", "shape ", shape, " has more elements than a 64-bit count can hold");
  return n;
}

Shape contiguous_strides(const Shape& shape) {
  Shape strides(shape.size(), 1);
  for (int k = static_cast<int>(shape.size()) - 2; k >= 0; --k)
    strides[k] = strides[k + 1] * shape[k + 1];
  return strides;
}

std::string to_string(const Shape& shape) {
  std::string s = "(";
  for (std::size_t k = 0; k < shape.size(); ++k) {
    if (k) s += ",";
    s += std::to_string(shape[k]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

int normalize_axis(const char* op, std::int64_t axis, std::int64_t ndim) {
  if (axis < -ndim || axis >= ndim || ndim == 0)
    fail(op, "axis ", axis, " is out of range for a tensor with ", ndim, " dims (valid: ", -ndim,
         "..", ndim - 1, ")");
  return static_cast<int>(axis < 0 ? axis + ndim : axis);
}

Shape broadcast_shapes(const char* op, const Shape& a, const Shape& b) {
  const std::size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (std::size_t k = 0; k < n; ++k) {
    // Walk from the last axis: position k from the right.
    const std::int64_t sa = k < a.size() ? a[a.size() - 1 - k] : 1;
    const std::int64_t sb = k < b.size() ? b[b.size() - 1 - k] : 1;
    if (sa != sb && sa != 1 && sb != 1)
      fail(op, "shapes ", a, " and ", b, " cannot broadcast: axis -", k + 1, " is ", sa, " vs ",
           sb);
    out[n - 1 - k] = sa == 1 ? sb : sa;
  }
  return out;
}

Shape broadcast_strides(const Shape& from, const Shape& to) {
  const Shape own = contiguous_strides(from);
  Shape strides(to.size(), 0);
  const std::size_t offset = to.size() - from.size();
  for (std::size_t k = 0; k < from.size(); ++k) strides[offset + k] = from[k] == 1 ? 0 : own[k];
  return strides;
}

}  // namespace tg
