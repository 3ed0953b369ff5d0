// ex26: softmax's Jacobian-vector product. Your turn: read
// docs/higher-order.md#forward-and-reverse-mode, then replace the body below; the declaration is
// in tests/exercises/exercises.hpp, hints in docs/exercises.md#ex26. Check it with:
//   cmake --build build --target ex26
#include "exercises.hpp"

namespace ex {

std::vector<double> softmax_jvp(const std::vector<double>& x, const std::vector<double>& v) {
  // Question: ex21 took g through softmax backwards (g^T J). Here v goes forwards (J v): move
  // every logit by t v_i and ask how fast y_i moves at t = 0. Which sum over the row appears,
  // and why does the answer sum to zero?
  (void)x, (void)v;
  not_implemented("ex26 (softmax_jvp)", "docs/higher-order.md#forward-and-reverse-mode");
}

}  // namespace ex
