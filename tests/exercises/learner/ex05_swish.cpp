// ex05: your turn. Read docs/activations.md#swish-and-silu first; the declaration and what it must
// do are in tests/exercises/exercises.hpp. Replace the body, then run:
//   cmake -S . -B build -DTAPEGRAD_LEARNER=ON && cmake --build build -j 2 && ctest --test-dir build
//   -L ex05
#include "exercises.hpp"

namespace ex {

Tensor swish(const Tensor& x, const Tensor& beta) {
  // Hints (float64 tensors; beta has one element):
  // - Forward: out_i = x_i * s_i with s_i = 1 / (1 + exp(-beta x_i)).
  // - Backward for upstream g: dx_i = g_i (s_i + beta x_i s_i (1 - s_i)),
  //   dbeta = sum_i g_i x_i^2 s_i (1 - s_i)   (one beta served every x_i, so its gradient sums).
  // - Record it with tg::record("swish", {x, beta}, out, ...) and tg::accumulate_grad.
  (void)x, (void)beta;
  not_implemented("ex05 (swish)", "docs/activations.md#swish-and-silu");
}

}  // namespace ex
