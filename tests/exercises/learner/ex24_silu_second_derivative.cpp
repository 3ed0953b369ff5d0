// ex24: SiLU's second derivative. Your turn: read docs/higher-order.md#one-idea, then replace
// the body below; the declaration is in tests/exercises/exercises.hpp, hints in
// docs/exercises.md#ex24. Check it with:
//   cmake --build build --target ex24
#include "exercises.hpp"

namespace ex {

double silu_second_derivative(double x) {
  // Question: f(x) = x s(x) with s the sigmoid, and s' = s (1 - s). What is f' as a sum of two
  // terms, and what does each give when differentiated once more? Far out (x = 40, x = -800),
  // which of your intermediate values overflow or lose every digit, and how can you write them
  // so none does?
  (void)x;
  not_implemented("ex24 (silu_second_derivative)", "docs/higher-order.md#one-idea");
}

}  // namespace ex
