// ex23: the backward of maximum(a, b). Your turn: read docs/tape.md#the-primitive-ops, then
// replace the body below; the declaration is in tests/exercises/exercises.hpp, hints in
// docs/exercises.md#ex23. Check it with:
//   cmake --build build --target ex23
#include "exercises.hpp"

namespace ex {

std::pair<double, double> maximum_backward(double a, double b, double g) {
  // Question: which input does the output move with when a > b, and when a < b? At a == b,
  // neither one-sided answer is right on its own: which choice keeps the two gradients summing
  // to g and treats a and b alike?
  (void)a, (void)b, (void)g;
  not_implemented("ex23 (maximum_backward)", "docs/tape.md#the-primitive-ops");
}

}  // namespace ex
