// ex02: reducing a broadcast gradient. Your turn: read docs/tape.md#broadcasting-and-gradients,
// then replace the body below; the declaration is in tests/exercises/exercises.hpp, hints in
// docs/exercises.md#ex02. Check it with:
//   cmake --build build --target ex02
#include "exercises.hpp"

namespace ex {

Tensor reduce_to(const Tensor& grad, const Shape& shape) {
  // Questions: broadcasting lines shapes up from which end? So which axes of grad did the input
  // not have at all, and which did it have with size 1? What happens to the gradient of an
  // element that was used in several places? (tg::sum(t, axis, keepdim) sums one axis.)
  (void)grad, (void)shape;
  not_implemented("ex02 (reduce_to)", "docs/tape.md#broadcasting-and-gradients");
}

}  // namespace ex
