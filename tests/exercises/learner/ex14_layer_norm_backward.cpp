// ex14: LayerNorm backward. Your turn: read docs/attention.md#layernorms-backward-step-by-step,
// then replace the body below; the declaration is in tests/exercises/exercises.hpp, hints in
// docs/exercises.md#ex14. Check it with:
//   cmake --build build --target ex14
#include "exercises.hpp"

namespace ex {

LayerNormGrads layer_norm_backward(const Tensor& x, const Tensor& weight, double eps,
                                   const Tensor& grad_out) {
  // x, grad_out (N, d) float64; weight (d,). Return dx (N, d), dweight (d,), dbias (d,).
  // Questions: name the intermediate xhat = (x - mean) / s. Which rows contribute to dweight and
  // dbias? Through which quantities does x_j reach y besides xhat_j directly (mean, s), and what
  // are their derivatives with respect to x_j?
  (void)x, (void)weight, (void)eps, (void)grad_out;
  not_implemented("ex14 (layer_norm_backward)",
                  "docs/attention.md#layernorms-backward-step-by-step");
}

}  // namespace ex
