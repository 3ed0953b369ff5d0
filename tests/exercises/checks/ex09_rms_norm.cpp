#include "exercise_checks.hpp"
#include "layers/norms.hpp"

TEST_SUITE("ex09") {
  TEST_CASE("ex09: rms_norm_backward equals the tape's gradient") {
    Tensor x = random_var({3, 6}, 13);
    const Tensor w = random_var({6}, 14).detach(), g = random_var({3, 6}, 15).detach();
    tg::rms_norm(x, w, 1e-5).backward(g);
    check_values("dx", ex::rms_norm_backward(x.detach(), w, 1e-5, g), x.grad(), 1e-10);
  }
}
