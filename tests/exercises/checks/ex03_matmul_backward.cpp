#include "exercise_checks.hpp"

TEST_SUITE("ex03") {
  TEST_CASE("ex03: matmul_backward equals the tape's gradients") {
    Tensor a = random_var({3, 4}, 3), b = random_var({4, 5}, 4);
    const Tensor g = random_var({3, 5}, 5).detach();
    matmul(a, b).backward(g);
    const ex::MatmulGrads mine = ex::matmul_backward(a.detach(), b.detach(), g);
    REQUIRE(mine.da.shape() == Shape{3, 4});
    REQUIRE(mine.db.shape() == Shape{4, 5});
    check_values(mine.da, a.grad().to_vector(), 1e-12);
    check_values(mine.db, b.grad().to_vector(), 1e-12);
  }
}
