// ex03: matmul's backward. Your turn: read docs/tape.md#the-primitive-ops, then replace the body
// below; the declaration is in tests/exercises/exercises.hpp, hints in docs/exercises.md#ex03.
// Check it with:
//   cmake --build build --target ex03
#include "exercises.hpp"

namespace ex {

MatmulGrads matmul_backward(const Tensor& a, const Tensor& b, const Tensor& grad_out) {
  // a (M, K), b (K, N), grad_out (M, N); return da (M, K) and db (K, N).
  // Questions: C_ij = sum_k A_ik B_kj. Which elements of C does A_ik change, and by how much?
  // Which product of grad_out with b (or a), one of them transposed, has the shape of da (db)?
  (void)a, (void)b, (void)grad_out;
  not_implemented("ex03 (matmul_backward)", "docs/tape.md#the-primitive-ops");
}

}  // namespace ex
