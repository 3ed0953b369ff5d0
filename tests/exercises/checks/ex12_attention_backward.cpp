#include <cmath>

#include "exercise_checks.hpp"

TEST_SUITE("ex12") {
  TEST_CASE("ex12: attention_backward equals the tape's gradients") {
    const std::int64_t T = 5, d = 4;
    Tensor q = random_var({T, d}, 19), k = random_var({T, d}, 20), v = random_var({T, d}, 21);
    Tensor mask = zeros({T, T}, float64);
    for (std::int64_t i = 0; i < T; ++i)
      for (std::int64_t j = i + 1; j < T; ++j) mask.set({i, j}, 1);
    const Tensor p =
        softmax(masked_fill(matmul(q, transpose(k, 0, 1)) / std::sqrt(4.0), mask, -INFINITY), 1);
    const Tensor g = random_var({T, d}, 22).detach();
    matmul(p, v).backward(g);
    const ex::AttentionGrads mine = ex::attention_backward(q.detach(), k.detach(), v.detach(), g);
    check_values("dq", mine.dq, q.grad(), 1e-12);
    check_values("dk", mine.dk, k.grad(), 1e-12);
    check_values("dv", mine.dv, v.grad(), 1e-12);
  }
}
