// ex03: your turn. Read docs/tape.md#the-primitive-ops first; the declaration and what it must do
// are in tests/exercises/exercises.hpp. Replace the body, then run:
//   cmake -S . -B build -DTAPEGRAD_LEARNER=ON && cmake --build build -j 2 && ctest --test-dir build
//   -L ex03
#include "exercises.hpp"

namespace ex {

MatmulGrads matmul_backward(const Tensor& a, const Tensor& b, const Tensor& grad_out) {
  // Hints:
  // - Write C_ij = sum_k A_ik B_kj and differentiate with respect to A_ik: which elements of
  //   grad_out does it touch?
  // - The answer is a matrix product with one operand transposed (tg::matmul, tg::transpose).
  // - Check the shapes: dA must be (M, K), dB (K, N).
  (void)a, (void)b, (void)grad_out;
  not_implemented("ex03 (matmul_backward)", "docs/tape.md#the-primitive-ops");
}

}  // namespace ex
