// ex02: your turn. Read docs/tape.md#broadcasting-and-gradients first; the declaration and what it
// must do are in tests/exercises/exercises.hpp. Replace the body, then run:
//   cmake -S . -B build -DTAPEGRAD_LEARNER=ON && cmake --build build -j 2 && ctest --test-dir build
//   -L ex02
#include "exercises.hpp"

namespace ex {

Tensor reduce_to(const Tensor& grad, const Shape& shape) {
  // Hints:
  // - Broadcasting lines shapes up at the last axis, so grad may have extra leading axes:
  //   sum them away with tg::sum(g, 0) until g.dim() == shape.size().
  // - Then every axis k where shape[k] == 1 but g has more: tg::sum(g, k, /*keepdim=*/true).
  (void)grad, (void)shape;
  not_implemented("ex02 (reduce_to)", "docs/tape.md#broadcasting-and-gradients");
}

}  // namespace ex
