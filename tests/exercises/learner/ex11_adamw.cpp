// ex11: one AdamW step. Your turn: read docs/training.md#optimizers, then replace the body below;
// the declaration is in tests/exercises/exercises.hpp, hints in docs/exercises.md#ex11. Check it
// with:
//   cmake --build build --target ex11
#include "exercises.hpp"

namespace ex {

void adamw_step(std::vector<double>& w, const std::vector<double>& g, std::vector<double>& m,
                std::vector<double>& v, std::int64_t t, const AdamWHyper& h) {
  // w, g, m, v: one number per parameter; update w, m, v in place. Questions: what do m and v
  // average, and why do early steps need a correction (t = 1 is the first)? Where does the weight
  // decay enter in AdamW, as opposed to Adam with L2 in the gradient?
  (void)w, (void)g, (void)m, (void)v, (void)t, (void)h;
  not_implemented("ex11 (adamw_step)", "docs/training.md#optimizers");
}

}  // namespace ex
