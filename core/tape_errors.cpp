// core/tape_errors.cpp — see tape_errors.hpp.
#include "core/tape_errors.hpp"

#include "core/error.hpp"
#include "core/ops.hpp"

namespace tg {

Tensor checked_seed(const Tensor& root, const Tensor& seed) {
  if (!root.defined()) fail("backward", "called on an undefined tensor");
  if (!root.requires_grad())
    fail("backward", "the tensor of shape ", root.shape(), " does not require grad: no input of ",
         "the ops that made it had requires_grad_() set (or grad mode was off)");
  if (!seed.defined()) {
    if (root.numel() != 1)
      fail("backward", "the output has shape ", root.shape(), "; backward() without a seed ",
           "needs a one-element (scalar) output. Pass a seed gradient of shape ", root.shape());
    return full(root.shape(), 1.0, root.dtype());  // d(loss)/d(loss) = 1
  }
  if (seed.shape() != root.shape() || seed.dtype() != root.dtype())
    fail("backward", "the seed gradient has shape ", seed.shape(), " (", dtype_name(seed.dtype()),
         ") but the output has shape ", root.shape(), " (", dtype_name(root.dtype()), ")");
  return seed;
}

const char* why_unusable(const TensorImpl& impl) {
  if (impl.tape == nullptr)
    return "is gone: its tape was cleared, or the thread that recorded it has exited (each "
           "thread records on its own tape). Run the forward pass again on this thread";
  if (impl.released)
    return "was already released by an earlier backward. Pass retain_graph=true to the earlier "
           "backward to differentiate the same graph twice";
  return "is on another thread's tape: call backward on the thread that ran the forward pass";
}

}  // namespace tg
