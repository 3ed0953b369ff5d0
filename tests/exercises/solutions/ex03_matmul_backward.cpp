// Reference solution to ex03.
#include "exercises.hpp"

namespace ex {

MatmulGrads matmul_backward(const Tensor& a, const Tensor& b, const Tensor& grad_out) {
  // C_ij = sum_k A_ik B_kj, so dL/dA_ik = sum_j G_ij B_kj = (G B^T)_ik and dL/dB_kj = (A^T G)_kj.
  return {tg::matmul(grad_out, tg::transpose(b, 0, 1)),
          tg::matmul(tg::transpose(a, 0, 1), grad_out)};
}

}  // namespace ex
