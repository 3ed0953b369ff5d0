// ex16: embedding backward. Your turn: read docs/attention.md#embedding, then replace the body
// below; the declaration is in tests/exercises/exercises.hpp, hints in docs/exercises.md#ex16.
// Check it with:
//   cmake --build build --target ex16
#include "exercises.hpp"

namespace ex {

Tensor embedding_backward(const std::vector<std::int64_t>& ids, const Tensor& grad_out,
                          std::int64_t num) {
  // ids: n row numbers; grad_out (n, dim) float64; return dweight (num, dim).
  // Questions: which rows of the table did position p read, and what gradient does a row get
  // that nobody read? One read twice?
  (void)ids, (void)grad_out, (void)num;
  not_implemented("ex16 (embedding_backward)", "docs/attention.md#embedding");
}

}  // namespace ex
