// core/handover.cpp — see handover.hpp.
#include "core/handover.hpp"

#include "core/create_graph.hpp"
#include "core/leaf_locks.hpp"

namespace tg {

Tensor take_gradient(Record& rec, bool retain_graph) {
  Tensor& grad = rec.output.impl()->grad;
  const bool sole_holder = !retain_graph && rec.output.impl_ptr().use_count() == 1;
  return sole_holder ? std::move(grad) : grad;
}

bool adopt_gradient(const Tensor& input, Tensor& grad) {
  if (!input.requires_grad() || !grad.defined() || !wants_gradient(*input.impl())) return false;
  TensorImpl& impl = *input.impl();
  std::unique_lock<std::mutex> lock = lock_if_leaf(impl);  // leaf_locks.hpp
  const bool alone = grad.impl_ptr().use_count() == 1 && grad.impl()->storage.use_count() == 1;
  const bool usable = impl.op == nullptr || (!impl.released && impl.tape == &current_tape());
  if (impl.grad.defined() || !alone || !usable || !grad.is_leaf() ||
      grad.shape() != input.shape() || grad.dtype() != input.dtype())
    return false;
  impl.grad = std::move(grad);
  return true;
}

}  // namespace tg
