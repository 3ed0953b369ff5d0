#include "exercise_checks.hpp"
#include "layers/norms.hpp"

TEST_SUITE("ex09") {
  TEST_CASE("ex09: rms_norm_backward equals the tape's gradients") {
    Tensor x = random_var({3, 6}, 13), w = random_var({6}, 14);
    const Tensor g = random_var({3, 6}, 15).detach();
    tg::rms_norm(x, w, 1e-5).backward(g);
    const ex::RmsNormGrads mine = ex::rms_norm_backward(x.detach(), w.detach(), 1e-5, g);
    check_values("dx", mine.dx, x.grad(), 1e-10);
    check_values("dweight", mine.dweight, w.grad(), 1e-10);
  }
}
