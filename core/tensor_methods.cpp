// core/tensor_methods.cpp — x.sum(), x.reshape(...) and friends: each calls the free function.
#include "core/ops.hpp"

namespace tg {

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

}  // namespace tg
