// ex11: your turn. Read docs/training.md#optimizers first; the declaration and what it must do are
// in tests/exercises/exercises.hpp. Replace the body, then run:
//   cmake -S . -B build -DTAPEGRAD_LEARNER=ON && cmake --build build -j 2 && ctest --test-dir build
//   -L ex11
#include "exercises.hpp"

namespace ex {

void adamw_step(std::vector<double>& w, const std::vector<double>& g, std::vector<double>& m,
                std::vector<double>& v, std::int64_t t, const AdamWHyper& h) {
  // Hints, for each element:
  // - decoupled decay first: w -= lr * weight_decay * w
  // - m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2
  // - w -= lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
  (void)w, (void)g, (void)m, (void)v, (void)t, (void)h;
  not_implemented("ex11 (adamw_step)", "docs/training.md#optimizers");
}

}  // namespace ex
