// ex13: the FFN hidden-size rule. Your turn: read docs/gated-ffn.md#cost-and-the-23-rule, then
// replace the body below; the declaration is in tests/exercises/exercises.hpp, hints in
// docs/exercises.md#ex13. Check it with:
//   cmake --build build --target ex13
#include "exercises.hpp"

namespace ex {

std::int64_t gated_hidden_size(std::int64_t d_model, std::int64_t multiple_of) {
  // Questions: a gated FFN has three matrices where a plain one has two; what hidden size keeps
  // the parameter count of a plain FFN with 4d? Rounded how, and then up to what?
  (void)d_model, (void)multiple_of;
  not_implemented("ex13 (gated_hidden_size)", "docs/gated-ffn.md#cost-and-the-23-rule");
}

}  // namespace ex
