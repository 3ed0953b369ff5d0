#include "exercise_checks.hpp"

TEST_SUITE("ex16") {
  TEST_CASE("ex16: a repeated id collects every gradient that read it") {
    // ids {1, 3, 1}: row 1 was read twice and gets g[0] + g[2]; row 3 gets g[1]; rows 0, 2 none.
    const Tensor g = tensor({1, 2, 10, 20, 100, 200}, {3, 2}, float64);
    check_values("dweight", ex::embedding_backward({1, 3, 1}, g, 4), {0, 0, 101, 202, 0, 0, 10, 20},
                 0);
  }
  TEST_CASE("ex16: embedding_backward equals the tape's gradient of index_select") {
    Tensor weight = random_var({6, 4}, 50);
    const std::vector<std::int64_t> ids = {5, 0, 5, 2, 5, 0, 3};
    const Tensor g = random_var({7, 4}, 51).detach();
    index_select(weight, 0, ids).backward(g);
    check_values("dweight", ex::embedding_backward(ids, g, 6), weight.grad(), 1e-12);
  }
}
