// ex05: swish with a learnable beta. Your turn: read docs/activations.md#swish-and-silu, then
// replace the body below; the declaration is in tests/exercises/exercises.hpp, hints in
// docs/exercises.md#ex05. Check it with:
//   cmake --build build --target ex05
#include "exercises.hpp"

namespace ex {

Tensor swish(const Tensor& x, const Tensor& beta) {
  // x float64 of any shape; beta shape () (one number, possibly requiring grad).
  // Questions: what are d/dx and d/dbeta of x sigmoid(beta x)? One beta served every element of
  // x: what does that mean for beta's gradient? Record the op as in ex01.
  (void)x, (void)beta;
  not_implemented("ex05 (swish)", "docs/activations.md#swish-and-silu");
}

}  // namespace ex
