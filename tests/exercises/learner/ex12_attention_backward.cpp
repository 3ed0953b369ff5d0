// ex12: your turn. Read docs/attention.md#causal-multi-head-attention first; the declaration and
// what it must do are in tests/exercises/exercises.hpp. Replace the body, then run:
//   cmake -S . -B build -DTAPEGRAD_LEARNER=ON && cmake --build build -j 2 && ctest --test-dir build
//   -L ex12
#include "exercises.hpp"

namespace ex {

AttentionGrads attention_backward(const Tensor& q, const Tensor& k, const Tensor& v,
                                  const Tensor& grad_out) {
  // Hints (recompute the forward first, under tg::NoGradGuard):
  // - S = Q K^T / sqrt(d), masked (tg::masked_fill with -INFINITY above the diagonal),
  //   P = tg::softmax(S, 1), O = P V.
  // - Backwards through each line: dV = P^T dO, dP = dO V^T,
  //   dS = P * (dP - rowsum(dP * P))   (the softmax backward; masked entries get 0),
  //   dQ = dS K / sqrt(d), dK = dS^T Q / sqrt(d).
  (void)q, (void)k, (void)v, (void)grad_out;
  not_implemented("ex12 (attention_backward)", "docs/attention.md#causal-multi-head-attention");
}

}  // namespace ex
