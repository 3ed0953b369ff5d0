// ex15: RoPE forward and backward. Your turn: read docs/attention.md#positions-learned-or-rotary,
// then replace the body below; the declaration is in tests/exercises/exercises.hpp, hints in
// docs/exercises.md#ex15. Check it with:
//   cmake --build build --target ex15
#include "exercises.hpp"

namespace ex {

Tensor rope_forward(const Tensor& x, const Tensor& cos, const Tensor& sin) {
  // x, cos, sin (T, hd) float64; out (T, hd). Question: which two features form pair i in the
  // rotate-half layout, and what does a rotation by the angle (cos, sin) do to a pair (a, b)?
  (void)x, (void)cos, (void)sin;
  not_implemented("ex15 (rope_forward)", "docs/attention.md#positions-learned-or-rotary");
}

Tensor rope_backward(const Tensor& grad_out, const Tensor& cos, const Tensor& sin) {
  // grad_out (T, hd) -> dx (T, hd). Questions: what is the Jacobian of a linear map of a pair?
  // Its transpose, for a rotation, is which rotation?
  (void)grad_out, (void)cos, (void)sin;
  not_implemented("ex15 (rope_backward)", "docs/attention.md#positions-learned-or-rotary");
}

}  // namespace ex
