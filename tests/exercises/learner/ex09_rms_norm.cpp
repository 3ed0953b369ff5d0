// ex09: RMSNorm backward. Your turn: read docs/attention.md#normalisation, then replace the body
// below; the declaration is in tests/exercises/exercises.hpp, hints in docs/exercises.md#ex09.
// Check it with:
//   cmake --build build --target ex09
#include "exercises.hpp"

namespace ex {

RmsNormGrads rms_norm_backward(const Tensor& x, const Tensor& w, double eps,
                               const Tensor& grad_out) {
  // x, grad_out (N, d); w (d,); return dx (N, d) and dweight (d,). One row at a time.
  // Questions: with r = sqrt(mean(x^2) + eps) and y_j = x_j w_j / r, which y does x_j reach
  // directly, and which through r? What is dr/dx_j? Which rows does w_j take part in?
  (void)x, (void)w, (void)eps, (void)grad_out;
  not_implemented("ex09 (rms_norm_backward)", "docs/attention.md#normalisation");
}

}  // namespace ex
