// ex12: attention backward. Your turn: read docs/attention.md#causal-multi-head-attention, then
// replace the body below; the declaration is in tests/exercises/exercises.hpp, hints in
// docs/exercises.md#ex12. Check it with:
//   cmake --build build --target ex12
#include "exercises.hpp"

namespace ex {

AttentionGrads attention_backward(const Tensor& q, const Tensor& k, const Tensor& v,
                                  const Tensor& grad_out) {
  // q, k, v, grad_out (T, d); return dq, dk, dv (T, d).
  // Questions: write the forward as three lines (scores S, weights P, output O). Which of them
  // does the backward need again, and how do you recompute it without recording? Going back
  // line by line: which is a matmul (ex03), which a softmax by rows, and what gradient do the
  // masked entries get?
  (void)q, (void)k, (void)v, (void)grad_out;
  not_implemented("ex12 (attention_backward)", "docs/attention.md#causal-multi-head-attention");
}

}  // namespace ex
