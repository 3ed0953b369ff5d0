// core/tensor.hpp — the Tensor: a cheap handle to shared, contiguous, row-major data.
//
// Layer: core. Depends on dtype, shape, storage. Ops live in ops.hpp, the tape in tape.hpp.
//
// Copying a Tensor copies a pointer, not the data: `Tensor b = a;` makes b another name for a,
// exactly like `b = a` in PyTorch. clone() copies the data. Ops never change their inputs; only
// the few functions ending in `_` (requires_grad_, fill_, add_) change a tensor in place, as in
// PyTorch. A few ops may hand back their input itself when there is nothing to do (x.to(dtype)
// when x already has that dtype, expand to x's own shape), again as PyTorch does.
//
// Autograd fields: a tensor made by an op whose inputs require gradients remembers which tape
// record made it (`op`, `record_id`); a *leaf* is a tensor no op made (inputs, parameters).
// backward() fills `grad` on the leaves that require gradients, and on intermediates too.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/dtype.hpp"
#include "core/shape.hpp"
#include "core/storage.hpp"  // Storage: the flat buffer of elements

namespace tg {

class Tape;
struct TensorImpl;

class Tensor {
 public:
  Tensor() = default;  // an undefined tensor, like a null pointer: defined() is false
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const;
  std::int64_t dim() const { return static_cast<std::int64_t>(shape().size()); }
  std::int64_t size(std::int64_t axis) const;  // size(-1) is the last axis
  std::int64_t numel() const;
  DType dtype() const;

  // The elements, contiguous and row-major. T must match dtype() (float or double): the data
  // belongs to the tensor, the handle being const does not make it read-only.
  template <class T>
  T* data() const;

  // Reading and writing single elements, converted to and from double. Writes are not recorded
  // on the tape: use them to build inputs, never to change a value an op has already used.
  double item() const;  // the value of a one-element tensor
  double at(const std::vector<std::int64_t>& index) const;
  void set(const std::vector<std::int64_t>& index, double value) const;
  std::vector<double> to_vector() const;  // every element, row-major
  const Tensor& fill_(double value) const;

  // --- autograd -------------------------------------------------------------------------------
  bool requires_grad() const;
  // Marks a leaf as a variable whose gradient backward() should compute.
  Tensor& requires_grad_(bool on = true);
  bool is_leaf() const;
  const char* op() const;  // the op that made this tensor ("" for a leaf)
  // The gradient d(root)/d(this) from the last backward that reached this tensor; undefined
  // (defined() == false) before that. Leaves accumulate (+=) across backward calls.
  Tensor grad() const;
  void zero_grad() const;  // forget the gradient (grad() becomes undefined), as PyTorch does
  // Runs reverse-mode differentiation from this tensor over the current thread's tape (see
  // tape.hpp). `seed` is d(root)/d(this); it may be omitted only for a one-element tensor.
  // With create_graph (PyTorch's), the gradients it leaves have a history of their own and can be
  // differentiated again (docs/higher-order.md); pass retain_graph = true with it to keep this
  // graph as well, as PyTorch does by default.
  void backward(const Tensor& seed = Tensor(), bool retain_graph = false,
                bool create_graph = false) const;

  Tensor detach() const;     // same data, no gradient tracking
  Tensor clone() const;      // a copy of the data (recorded: gradients flow through)
  Tensor to(DType d) const;  // converted copy (recorded); *this when already of dtype d
  const std::string& name() const;
  Tensor& set_name(std::string name);  // shown by print and to_dot

  // Method forms of common ops (defined in tensor_methods.cpp): x.sum() is tg::sum(x).
  Tensor reshape(const Shape& shape) const;
  Tensor transpose(std::int64_t a, std::int64_t b) const;
  Tensor sum() const;
  Tensor sum(std::int64_t axis, bool keepdim = false) const;
  Tensor mean() const;
  Tensor mean(std::int64_t axis, bool keepdim = false) const;
  Tensor pow(double exponent) const;

  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }

 private:
  std::shared_ptr<TensorImpl> impl_;
};

struct TensorImpl {
  Shape shape;
  std::int64_t numel = 0;  // the product of shape, kept: kernels ask for it in every loop
  DType dtype = DType::Float32;
  std::shared_ptr<Storage> storage;
  bool requires_grad = false;
  Tensor grad;
  // Set when an op recorded this tensor as its output: which op, on which tape, as which record.
  // The tape owns the record; the tensor only names it, so no ownership cycle can form.
  const char* op = nullptr;
  const Tape* tape = nullptr;
  std::uint64_t record_id = 0;
  bool released = false;  // that record was released: no gradient can flow past this tensor
  std::string name;
};

// A fresh TensorImpl (from the fast floor's per-thread free lists when it is on).
std::shared_ptr<TensorImpl> new_impl();

// A new tensor of the given shape, all zeros (torch.zeros): the building block of every factory
// and op. `op` names the caller in errors. Throws tg::Error (naming op, shape and dtype) when a
// size is negative, when the byte count overflows 64 bits or exceeds kMaxTensorBytes (storage.hpp),
// or when the memory cannot be had; never returns a tensor on a block smaller than its elements.
Tensor zeros(const Shape& shape, DType dtype = float32, const char* op = "zeros");
// The same without the zeros, as torch.empty: the elements are whatever the memory held. Only
// for kernels that write every element before anything reads it (zero-filling a buffer that is
// overwritten anyway cost a tenth of a training step).
Tensor empty(const Shape& shape, DType dtype = float32, const char* op = "empty");

}  // namespace tg
