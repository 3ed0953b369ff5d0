// ex06: chunked GLU. Your turn: read docs/gated-ffn.md#two-ways-to-pass-gate-and-value, then
// replace the body below; the declaration is in tests/exercises/exercises.hpp, hints in
// docs/exercises.md#ex06. Check it with:
//   cmake --build build --target ex06
#include "exercises.hpp"

namespace ex {

Tensor glu_halves(const Tensor& x) {
  // x (..., 2h) -> out (..., h). Questions: which half is the value and which the gate in
  // PyTorch's F.glu? If you build out from recorded ops (tg::slice, tg::sigmoid, *), who writes
  // the backward? If you write one op instead, what are d out/da and d out/db?
  (void)x;
  not_implemented("ex06 (glu_halves)", "docs/gated-ffn.md#two-ways-to-pass-gate-and-value");
}

}  // namespace ex
