// ex01: your turn. Read docs/tape.md first; the declaration and what it must do are in
// tests/exercises/exercises.hpp. Replace the body, then run:
//   cmake -S . -B build -DTAPEGRAD_LEARNER=ON && cmake --build build -j 2 && ctest --test-dir build
//   -L ex01
#include "exercises.hpp"

namespace ex {

Tensor times(const Tensor& a, const Tensor& b) {
  // Hints:
  // - Compute the forward value without recording it: inside a tg::NoGradGuard block,
  //   out = a.detach() * b.detach().
  // - Then return tg::record("times", {a, b}, out, [a, b](const Tensor& g) { ... }) whose lambda
  //   calls tg::accumulate_grad(a, ...) and tg::accumulate_grad(b, ...).
  // - d(ab)/da = b. What is d(ab)/db? What happens when a and b are the same tensor?
  (void)a, (void)b;
  not_implemented("ex01 (times)", "docs/tape.md");
}

}  // namespace ex
