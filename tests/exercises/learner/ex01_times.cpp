// ex01: a recorded op's backward. Your turn: read docs/tape.md, then replace the body below; the
// declaration is in tests/exercises/exercises.hpp, hints in docs/exercises.md#ex01. Check it with:
//   cmake --build build --target ex01
#include "exercises.hpp"

namespace ex {

Tensor times(const Tensor& a, const Tensor& b) {
  // Questions: how does an op compute its value without recording the ops inside it? What does
  // tg::record take, and what must its backward lambda do with the upstream gradient g (see
  // tg::accumulate_grad)? What are d(ab)/da and d(ab)/db, and what happens when a and b are the
  // same tensor?
  (void)a, (void)b;
  not_implemented("ex01 (times)", "docs/tape.md");
}

}  // namespace ex
