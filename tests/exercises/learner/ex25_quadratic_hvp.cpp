// ex25: the Hessian-vector product of a quadratic. Your turn: read
// docs/higher-order.md#helpers-hvp-hessian-and-jvp, then replace the body below; the declaration
// is in tests/exercises/exercises.hpp, hints in docs/exercises.md#ex25. Check it with:
//   cmake --build build --target ex25
#include "exercises.hpp"

namespace ex {

std::vector<double> quadratic_hvp(const std::vector<double>& A, const std::vector<double>& v) {
  // Question: write f(x) = 1/2 sum_ij x_i A_ij x_j + sum_i b_i x_i out and take d f / d x_k:
  // x_k appears in two places of the double sum. What is d2 f / dx_k dx_l, and why is it not
  // A_kl when A is not symmetric? What does b contribute?
  (void)A, (void)v;
  not_implemented("ex25 (quadratic_hvp)", "docs/higher-order.md#helpers-hvp-hessian-and-jvp");
}

}  // namespace ex
