// ex17: inverted dropout. Your turn: read layers/dropout.hpp and docs/gated-ffn.md#dropout, then
// replace the body below; the declaration is in tests/exercises/exercises.hpp, hints in
// docs/exercises.md#ex17. Check it with:
//   cmake --build build --target ex17
#include "exercises.hpp"

namespace ex {

DropoutOutput dropout_forward(const Tensor& x, double p, tg::Generator& gen, bool training) {
  // x any shape; out and mask x's shape and dtype. Questions: with probability p an element is
  // dropped; by what must the kept ones be scaled so that the expected output is x? What should
  // eval mode (or p = 0) return, and which mask?
  (void)x, (void)p, (void)gen, (void)training;
  not_implemented("ex17 (dropout_forward)", "layers/dropout.hpp");
}

Tensor dropout_backward(const Tensor& grad_out, const Tensor& mask) {
  // Question: out = x * mask with mask a constant: what is dout/dx, element by element?
  (void)grad_out, (void)mask;
  not_implemented("ex17 (dropout_backward)", "layers/dropout.hpp");
}

}  // namespace ex
