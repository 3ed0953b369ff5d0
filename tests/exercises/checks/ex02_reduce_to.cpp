#include "exercise_checks.hpp"

TEST_SUITE("ex02") {
  TEST_CASE("ex02: reduce_to sums over broadcast axes") {
    const Tensor g = arange(0, 24, 1, float64).reshape({2, 3, 4});
    for (const Shape& s :
         {Shape{4}, Shape{3, 1}, Shape{1, 4}, Shape{2, 1, 4}, Shape{}, Shape{2, 3, 4}}) {
      CAPTURE(to_string(s));
      const Tensor r = ex::reduce_to(g, s);
      CHECK(r.shape() == s);
      check_values("reduce_to(g, " + to_string(s) + ")", r, sum_to_shape(g, s).to_vector(), 1e-12);
    }
  }
}
