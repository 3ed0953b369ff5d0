#include "exercise_checks.hpp"

TEST_SUITE("ex08") {
  TEST_CASE("ex08: cross_entropy_grad equals the tape's gradient") {
    Tensor logits = random_var({5, 4}, 12);
    const std::vector<std::int64_t> targets = {0, 3, 1, 1, 2};
    cross_entropy(logits, targets).backward();
    check_values("dlogits", ex::cross_entropy_grad(logits.detach(), targets), logits.grad(), 1e-12);
  }
}
