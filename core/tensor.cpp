// core/tensor.cpp — the Tensor handle's own members. See tensor.hpp.
#include "core/tensor.hpp"

#include <algorithm>
#include <cstdint>

#include "core/error.hpp"
#include "core/fast/switch.hpp"
#include "core/ops.hpp"
#include "core/tape.hpp"

namespace tg {

namespace {
const TensorImpl& checked(const std::shared_ptr<TensorImpl>& impl, const char* what) {
  if (!impl)
    fail(what, "the tensor is undefined (default-constructed, or a grad not computed yet)");
  return *impl;
}

// Row-major offset of a multi-index, every index checked against its axis.
std::int64_t offset_of(const char* op, const Shape& shape, const std::vector<std::int64_t>& index) {
  if (index.size() != shape.size())
    fail(op, "index has ", index.size(), " entries but the tensor has shape ", shape);
  std::int64_t offset = 0;
  for (std::size_t k = 0; k < shape.size(); ++k) {
    if (index[k] < 0 || index[k] >= shape[k])
      fail(op, "index ", index[k], " is out of range for axis ", k, " of shape ", shape);
    offset = offset * shape[k] + index[k];
  }
  return offset;
}
}  // namespace

std::shared_ptr<TensorImpl> new_impl() {
  if (fast::enabled()) return fast::new_impl();  // the fast floor: per-thread free lists
  return std::make_shared<TensorImpl>();
}

namespace {
Tensor make_tensor(const char* op, const Shape& shape, DType dtype, bool zero_filled) {
  for (std::int64_t s : shape)
    if (s < 0) fail(op, "negative size in shape ", shape);
  auto storage = storage_for(op, shape, dtype, zero_filled);  // bytes checked: storage.cpp
  auto impl = new_impl();
  impl->shape = shape;
  impl->numel = storage->bytes == 0 ? 0 : numel(shape);  // (0 x 2^62 would overflow the product)
  impl->dtype = dtype;
  impl->storage = std::move(storage);
  return Tensor(std::move(impl));
}
}  // namespace

Tensor zeros(const Shape& shape, DType dtype, const char* op) {
  return make_tensor(op, shape, dtype, true);
}
Tensor empty(const Shape& shape, DType dtype, const char* op) {
  return make_tensor(op, shape, dtype, false);
}

const Shape& Tensor::shape() const {
  return checked(impl_, "shape").shape;
}
std::int64_t Tensor::numel() const {
  return checked(impl_, "numel").numel;
}
DType Tensor::dtype() const {
  return checked(impl_, "dtype").dtype;
}

std::int64_t Tensor::size(std::int64_t axis) const {
  return shape()[normalize_axis("size", axis, dim())];
}

template <class T>
T* Tensor::data() const {
  const TensorImpl& impl = checked(impl_, "data");
  if (impl.dtype != dtype_of<T>())
    fail("data", "asked for ", dtype_name(dtype_of<T>()), " elements of a ", dtype_name(impl.dtype),
         " tensor");
  return static_cast<T*>(impl.storage->data);
}
template float* Tensor::data<float>() const;
template double* Tensor::data<double>() const;

double Tensor::item() const {
  if (numel() != 1) fail("item", "needs a one-element tensor, got shape ", shape());
  return dispatch(dtype(), [&](auto zero) { return double(data<decltype(zero)>()[0]); });
}

double Tensor::at(const std::vector<std::int64_t>& index) const {
  const std::int64_t k = offset_of("at", shape(), index);
  return dispatch(dtype(), [&](auto zero) { return double(data<decltype(zero)>()[k]); });
}

void Tensor::set(const std::vector<std::int64_t>& index, double value) const {
  const std::int64_t k = offset_of("set", shape(), index);
  dispatch(dtype(), [&](auto zero) {
    using T = decltype(zero);
    data<T>()[k] = static_cast<T>(value);
  });
}

std::vector<double> Tensor::to_vector() const {
  return dispatch(dtype(), [&](auto zero) {
    const auto* p = data<decltype(zero)>();
    return std::vector<double>(p, p + numel());
  });
}

const Tensor& Tensor::fill_(double value) const {
  dispatch(dtype(), [&](auto zero) {
    using T = decltype(zero);
    std::fill_n(data<T>(), numel(), static_cast<T>(value));
  });
  return *this;
}

bool Tensor::requires_grad() const {
  return checked(impl_, "requires_grad").requires_grad;
}
bool Tensor::is_leaf() const {
  return checked(impl_, "is_leaf").op == nullptr;
}
const char* Tensor::op() const {
  const char* o = checked(impl_, "op").op;
  return o ? o : "";
}

Tensor& Tensor::requires_grad_(bool on) {
  checked(impl_, "requires_grad_");
  if (!is_leaf())
    fail("requires_grad_", "only leaves (tensors no op made) can change requires_grad; this one ",
         "was made by '", op(), "'. Use detach() to make a leaf from it");
  impl_->requires_grad = on;
  return *this;
}

Tensor Tensor::grad() const {
  return checked(impl_, "grad").grad;
}
void Tensor::zero_grad() const {
  checked(impl_, "zero_grad"), impl_->grad = Tensor();
}

void Tensor::backward(const Tensor& seed, bool retain_graph, bool create_graph) const {
  current_tape().backward(*this, seed, retain_graph, create_graph);
}

Tensor Tensor::detach() const {
  const TensorImpl& impl = checked(impl_, "detach");
  auto out = new_impl();
  out->shape = impl.shape;
  out->numel = impl.numel;
  out->dtype = impl.dtype;
  out->storage = impl.storage;  // shared: detach copies nothing
  return Tensor(std::move(out));
}

const std::string& Tensor::name() const {
  return checked(impl_, "name").name;
}
Tensor& Tensor::set_name(std::string name) {
  checked(impl_, "set_name");
  impl_->name = std::move(name);
  return *this;
}

}  // namespace tg
