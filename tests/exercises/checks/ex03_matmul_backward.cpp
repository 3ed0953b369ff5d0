#include "exercise_checks.hpp"

TEST_SUITE("ex03") {
  TEST_CASE("ex03: matmul_backward equals the tape's gradients") {
    Tensor a = random_var({3, 4}, 3), b = random_var({4, 5}, 4);
    const Tensor g = random_var({3, 5}, 5).detach();
    matmul(a, b).backward(g);
    const ex::MatmulGrads mine = ex::matmul_backward(a.detach(), b.detach(), g);
    check_values("da", mine.da, a.grad(), 1e-12);
    check_values("db", mine.db, b.grad(), 1e-12);
  }
}
