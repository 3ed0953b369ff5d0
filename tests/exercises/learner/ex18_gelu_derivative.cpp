// ex18: GELU's derivative, both forms. Your turn: read docs/activations.md#gelu, then replace the
// body below; the declaration is in tests/exercises/exercises.hpp, hints in docs/exercises.md#ex18.
// Check it with:
//   cmake --build build --target ex18
#include "exercises.hpp"

namespace ex {

double gelu_derivative(double x) {
  // Questions: gelu(x) = x Phi(x) is a product; what is Phi'? How do you compute Phi(x) so that
  // it keeps its accuracy far left, and x phi(x) so that it is 0, not NaN, far out?
  (void)x;
  not_implemented("ex18 (gelu_derivative)", "docs/activations.md#gelu");
}

double gelu_tanh_derivative(double x) {
  // Questions: x (1 + tanh u) / 2 with u a function of x: which rules (product, chain) and what
  // is tanh'? What does the formula compute when x^3 overflows (|x| near 1e103), and what is the
  // true slope there?
  (void)x;
  not_implemented("ex18 (gelu_tanh_derivative)", "docs/activations.md#gelu");
}

}  // namespace ex
