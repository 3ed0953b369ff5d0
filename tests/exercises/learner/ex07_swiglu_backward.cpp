// ex07: fused SwiGLU backward. Your turn: read docs/gated-ffn.md#the-backward-pass, then replace
// the body below; the declaration is in tests/exercises/exercises.hpp, hints in
// docs/exercises.md#ex07. Check it with:
//   cmake --build build --target ex07
#include "exercises.hpp"

namespace ex {

SwiGLUGrads swiglu_backward(const Tensor& gate, const Tensor& value, const Tensor& grad_out) {
  // gate, value, grad_out: float64, one shape; dgate and dvalue have it too.
  // Questions: out = silu(gate) * value; what is d out/d value? d out/d gate, by the product
  // rule on silu(a) = a sigmoid(a)? What must you recompute from gate, since nothing was saved?
  (void)gate, (void)value, (void)grad_out;
  not_implemented("ex07 (swiglu_backward)", "docs/gated-ffn.md#the-backward-pass");
}

}  // namespace ex
