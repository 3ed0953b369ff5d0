// core/tensor_methods.cpp — x.sum(), x.reshape(...), a + b, a * 2.0 and friends: each calls the
// free function (a double is first made a scalar of the tensor's dtype).
#include "core/elementwise.hpp"
#include "core/ops.hpp"

namespace tg {

using elementwise::like_scalar;

Tensor Tensor::reshape(const Shape& shape) const {
  return tg::reshape(*this, shape);
}
Tensor Tensor::transpose(std::int64_t a, std::int64_t b) const {
  return tg::transpose(*this, a, b);
}
Tensor Tensor::sum() const {
  return tg::sum(*this);
}
Tensor Tensor::sum(std::int64_t axis, bool keepdim) const {
  return tg::sum(*this, axis, keepdim);
}
Tensor Tensor::mean() const {
  return tg::mean(*this);
}
Tensor Tensor::mean(std::int64_t axis, bool keepdim) const {
  return tg::mean(*this, axis, keepdim);
}
Tensor Tensor::pow(double exponent) const {
  return tg::pow(*this, exponent);
}

Tensor operator+(const Tensor& a, const Tensor& b) {
  return add(a, b);
}
Tensor operator-(const Tensor& a, const Tensor& b) {
  return sub(a, b);
}
Tensor operator*(const Tensor& a, const Tensor& b) {
  return mul(a, b);
}
Tensor operator/(const Tensor& a, const Tensor& b) {
  return div(a, b);
}
Tensor operator-(const Tensor& x) {
  return neg(x);
}
Tensor operator+(const Tensor& a, double b) {
  return add(a, like_scalar(b, a));
}
Tensor operator-(const Tensor& a, double b) {
  return sub(a, like_scalar(b, a));
}
Tensor operator*(const Tensor& a, double b) {
  return mul(a, like_scalar(b, a));
}
Tensor operator/(const Tensor& a, double b) {
  return div(a, like_scalar(b, a));
}
Tensor operator+(double a, const Tensor& b) {
  return add(like_scalar(a, b), b);
}
Tensor operator-(double a, const Tensor& b) {
  return sub(like_scalar(a, b), b);
}
Tensor operator*(double a, const Tensor& b) {
  return mul(like_scalar(a, b), b);
}
Tensor operator/(double a, const Tensor& b) {
  return div(like_scalar(a, b), b);
}

}  // namespace tg
