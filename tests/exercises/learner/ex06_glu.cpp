// ex06: your turn. Read docs/gated-ffn.md#two-ways-to-pass-gate-and-value first; the declaration
// and what it must do are in tests/exercises/exercises.hpp. Replace the body, then run:
//   cmake -S . -B build -DTAPEGRAD_LEARNER=ON && cmake --build build -j 2 && ctest --test-dir build
//   -L ex06
#include "exercises.hpp"

namespace ex {

Tensor glu_halves(const Tensor& x) {
  // Hints:
  // - Split the last axis in two halves with tg::slice(x, -1, 0, n/2) and tg::slice(x, -1, n/2, n).
  // - out = a * sigmoid(b): first half value, second half gate (PyTorch's F.glu).
  // - If you build it from recorded ops, the tape writes the backward for you; or write one op
  //   with tg::record and derive da = g sigmoid(b), db = g a sigmoid(b) (1 - sigmoid(b)).
  (void)x;
  not_implemented("ex06 (glu_halves)", "docs/gated-ffn.md#two-ways-to-pass-gate-and-value");
}

}  // namespace ex
