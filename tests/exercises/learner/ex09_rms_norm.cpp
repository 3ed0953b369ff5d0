// ex09: your turn. Read docs/attention.md#normalisation first; the declaration and what it must do
// are in tests/exercises/exercises.hpp. Replace the body, then run:
//   cmake -S . -B build -DTAPEGRAD_LEARNER=ON && cmake --build build -j 2 && ctest --test-dir build
//   -L ex09
#include "exercises.hpp"

namespace ex {

RmsNormGrads rms_norm_backward(const Tensor& x, const Tensor& w, double eps,
                               const Tensor& grad_out) {
  // Hints (x is (N, d), one row at a time):
  // - r = sqrt(mean(x^2) + eps), y_j = x_j w_j / r. Note dr/dx_j = x_j / (d r).
  // - dx_j = w_j g_j / r - x_j / (d r^3) * sum_i g_i w_i x_i.
  (void)x, (void)w, (void)eps, (void)grad_out;
  not_implemented("ex09 (rms_norm_backward)", "docs/attention.md#normalisation");
}

}  // namespace ex
