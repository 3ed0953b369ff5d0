#include "activations/activations.hpp"
#include "exercise_checks.hpp"

TEST_SUITE("ex07") {
  TEST_CASE("ex07: swiglu_backward equals the tape's gradients of silu(gate) * value") {
    Tensor gate = random_var({4, 5}, 9), value = random_var({4, 5}, 10);
    const Tensor g = random_var({4, 5}, 11).detach();
    (silu(gate) * value).backward(g);
    const ex::SwiGLUGrads mine = ex::swiglu_backward(gate.detach(), value.detach(), g);
    check_values("dgate", mine.dgate, gate.grad(), 1e-12);
    check_values("dvalue", mine.dvalue, value.grad(), 1e-12);
  }
}
