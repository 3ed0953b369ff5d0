// ex07: your turn. Read docs/gated-ffn.md#the-backward-pass first; the declaration and what it must
// do are in tests/exercises/exercises.hpp. Replace the body, then run:
//   cmake -S . -B build -DTAPEGRAD_LEARNER=ON && cmake --build build -j 2 && ctest --test-dir build
//   -L ex07
#include "exercises.hpp"

namespace ex {

SwiGLUGrads swiglu_backward(const Tensor& gate, const Tensor& value, const Tensor& grad_out) {
  // Hints (float64 tensors, same shapes):
  // - out = silu(a) * v with silu(a) = a sigmoid(a).
  // - dvalue = g silu(a);  dgate = g v silu'(a), silu'(a) = s + a s (1 - s), s = sigmoid(a).
  // - Loop over the elements; only gate, value and grad_out are needed (that is the "fused" point).
  (void)gate, (void)value, (void)grad_out;
  not_implemented("ex07 (swiglu_backward)", "docs/gated-ffn.md#the-backward-pass");
}

}  // namespace ex
