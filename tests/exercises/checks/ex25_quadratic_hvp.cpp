#include "exercise_checks.hpp"

TEST_SUITE("ex25") {
  TEST_CASE("ex25: quadratic_hvp equals the tape's double backward (tg::hvp)") {
    // A not symmetric, on purpose; b shifts the gradient but not the Hessian.
    const std::vector<double> A = {2.0, 1.0, 0.0, -3.0, 4.0, 0.5, 1.0, 0.0, -1.0},
                              b = {0.3, -0.7, 1.1}, v = {1.0, -2.0, 0.5};
    const Tensor At = tensor(A, {3, 3}, float64), bt = tensor(b, {3}, float64);
    auto f = [&](const Tensor& x) {
      const Tensor col = x.reshape({3, 1});
      return sum(matmul(At, col) * col) * 0.5 + sum(bt * x);
    };
    const std::vector<double> tape =
        hvp(f, tensor({0.2, -1.0, 3.0}, {3}, float64), tensor(v, {3}, float64)).to_vector();
    check_close("H v", ex::quadratic_hvp(A, v), tape, 1e-12);
  }
  TEST_CASE("ex25: quadratic_hvp worked by hand on a 2 x 2 and a 1 x 1") {
    // A = [[1, 2], [0, 1]]: H = (A + A^T) / 2 = [[1, 1], [1, 1]], so H (1, 0) = (1, 1), not the
    // (1, 0) of A itself. And f(x) = 1/2 a x^2 has f'' = a.
    check_close("H (1, 0) for A = [[1, 2], [0, 1]]", ex::quadratic_hvp({1, 2, 0, 1}, {1, 0}), {1, 1},
                1e-15);
    check_close("H v for A = [5], v = [2]", ex::quadratic_hvp({5}, {2}), {10}, 1e-15);
  }
}
