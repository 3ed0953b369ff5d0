// ex20: the backward of a mixture of experts' weighted combine. Your turn: read
// docs/moe.md#routing-step-by-step, then replace the body below; the declaration is in
// tests/exercises/exercises.hpp, hints in docs/exercises.md#ex20. Check it with:
//   cmake --build build --target ex20
#include "exercises.hpp"

namespace ex {

CombineGrads moe_combine_backward(const Tensor& logits, const Tensor& experts,
                                  const Tensor& grad_out) {
  // logits (N, k), experts (N, k, d), grad_out (N, d), float64. Return dweights and dlogits
  // (N, k), dexperts (N, k, d).
  // Questions: y is a sum of k scaled rows: what does scaling a row by w do to its gradient,
  // and how much does y change when one w moves? Then: w = softmax(logits), a row at a time.
  (void)logits, (void)experts, (void)grad_out;
  not_implemented("ex20 (moe_combine_backward)", "docs/moe.md#routing-step-by-step");
}

}  // namespace ex
