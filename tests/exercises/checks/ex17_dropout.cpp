#include <cmath>

#include "exercise_checks.hpp"

TEST_SUITE("ex17") {
  TEST_CASE("ex17: the training mask drops about p and scales the rest by 1/(1-p)") {
    const double p = 0.3;
    const std::int64_t n = 100000;
    Generator gen(60);
    const Tensor x = ones({n}, float64);
    const ex::DropoutOutput r = ex::dropout_forward(x, p, gen, true);
    REQUIRE(r.mask.shape() == x.shape());
    std::int64_t dropped = 0, other = 0;
    for (double m : r.mask.to_vector()) {
      if (m == 0)
        ++dropped;
      else if (std::abs(m - 1 / (1 - p)) > 1e-12)
        ++other;
    }
    // The dropped fraction has standard deviation sqrt(p (1 - p) / n) = 0.0014: 0.01 is 7 of them.
    check_close("fraction dropped", {double(dropped) / n}, {p}, 0.01);
    check_close("mask values neither 0 nor 1/(1-p)", {double(other)}, {0}, 0);
    // Inverted dropout keeps the expected value: the mean of out is about the mean of x.
    check_close("mean of out", {r.out.mean().item()}, {1.0}, 0.02);
    check_values("out = x * mask", r.out, r.mask.to_vector(), 0);
  }
  TEST_CASE("ex17: dropout is the identity in eval mode and for p = 0") {
    Generator gen(61);
    const Tensor x = random_var({3, 4}, 62).detach();
    const ex::DropoutOutput eval = ex::dropout_forward(x, 0.5, gen, false);
    check_values("out in eval", eval.out, x, 0);
    check_values("mask in eval", eval.mask, ones({3, 4}, float64), 0);
    const ex::DropoutOutput p0 = ex::dropout_forward(x, 0.0, gen, true);
    check_values("out with p = 0", p0.out, x, 0);
  }
  TEST_CASE("ex17: the backward uses the forward's mask") {
    Generator gen(63);
    const Tensor x = random_var({4, 5}, 64).detach(), g = random_var({4, 5}, 65).detach();
    const ex::DropoutOutput r = ex::dropout_forward(x, 0.5, gen, true);
    // The tape's gradient of x * mask with that mask held fixed.
    Tensor xv = x.clone();
    xv.requires_grad_();
    mul(xv, r.mask).backward(g);
    const Tensor dx = ex::dropout_backward(g, r.mask);
    check_values("dx", dx, xv.grad(), 1e-15);
    // Where the forward dropped an element, no gradient reaches it.
    const std::vector<double> m = r.mask.to_vector(), d = dx.to_vector();
    std::vector<double> dropped_grads;
    for (std::size_t i = 0; i < m.size(); ++i)
      if (m[i] == 0) dropped_grads.push_back(d[i]);
    check_close("dx where dropped", dropped_grads, std::vector<double>(dropped_grads.size(), 0.0),
                0);
    // Two calls draw two masks: the generator moves on.
    const ex::DropoutOutput again = ex::dropout_forward(x, 0.5, gen, true);
    CHECK(again.mask.to_vector() != r.mask.to_vector());
  }
}
