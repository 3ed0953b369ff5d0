// ex10: a Linear layer. Your turn: read layers/linear.hpp and layers/module.hpp, then replace the
// body below; the declaration is in tests/exercises/exercises.hpp, hints in docs/exercises.md#ex10.
// Check it with:
//   cmake --build build --target ex10
#include "exercises.hpp"

namespace ex {

Linear::Linear(std::int64_t in, std::int64_t out, tg::Generator& gen, tg::DType dtype) {
  // Questions: what shapes do weight and bias have, and from what range does PyTorch draw them?
  // How does a Module learn that a tensor is one of its parameters, and under which name?
  (void)in, (void)out, (void)gen, (void)dtype;
  not_implemented("ex10 (Linear)", "layers/linear.hpp and layers/module.hpp");
}

Tensor Linear::forward(const Tensor& x) const {
  // x (..., in) -> (..., out). Question: weight is (out, in); how do you multiply so that the
  // last axis of x meets in, and what adds the bias to every row?
  (void)x;
  not_implemented("ex10 (Linear::forward)", "layers/linear.hpp");
}

}  // namespace ex
