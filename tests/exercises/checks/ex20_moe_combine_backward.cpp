#include "exercise_checks.hpp"

TEST_SUITE("ex20") {
  TEST_CASE("ex20: one token with two experts worked by hand") {
    // logits (0, 0): w = (1/2, 1/2). e_0 = (1, 2), e_1 = (3, -1), g = (1, 1).
    // dw = (<g, e_0>, <g, e_1>) = (3, 2); dexperts = w_j g = (1/2, 1/2) twice;
    // dlogits = w (dw - w.dw) = (1/2)(3 - 2.5), (1/2)(2 - 2.5) = (0.25, -0.25).
    const Tensor logits = tensor({0, 0}, {1, 2}, float64);
    const Tensor experts = tensor({1, 2, 3, -1}, {1, 2, 2}, float64);
    const Tensor g = tensor({1, 1}, {1, 2}, float64);
    const ex::CombineGrads r = ex::moe_combine_backward(logits, experts, g);
    check_values("dweights", r.dweights, {3, 2}, 1e-15);
    check_values("dlogits", r.dlogits, {0.25, -0.25}, 1e-15);
    check_values("dexperts", r.dexperts, {0.5, 0.5, 0.5, 0.5}, 1e-15);
  }
  TEST_CASE("ex20: moe_combine_backward equals the tape's gradients of the combine") {
    // The combine as moe.cpp's ops compute it: w = softmax(logits), y = sum_j w_j e_j.
    const std::int64_t N = 5, k = 2, d = 3;
    Tensor logits = random_var({N, k}, 60), experts = random_var({N, k, d}, 61);
    const Tensor g = random_var({N, d}, 62).detach();
    (softmax(logits, 1).reshape({N, k, 1}) * experts).sum(1).backward(g);
    // dL/dw: the same combine with w as a leaf of its own.
    Tensor w = softmax(logits, 1).detach().requires_grad_();
    (w.reshape({N, k, 1}) * experts.detach()).sum(1).backward(g);
    const ex::CombineGrads r = ex::moe_combine_backward(logits.detach(), experts.detach(), g);
    check_values("dweights", r.dweights, w.grad(), 1e-12);
    check_values("dlogits", r.dlogits, logits.grad(), 1e-12);
    check_values("dexperts", r.dexperts, experts.grad(), 1e-12);
  }
  TEST_CASE("ex20: top-4 routing and logits beyond exp's range (no overflow)") {
    // Logits in the thousands: exp(x) overflows a double above x = 709.78, so a softmax that
    // does not subtract the row's largest logit first gives inf / inf = NaN.
    const std::int64_t N = 3, k = 4, d = 2;
    Tensor logits = (random_var({N, k}, 63) * 2000.0).detach().requires_grad_();
    Tensor experts = random_var({N, k, d}, 64);
    const Tensor g = random_var({N, d}, 65).detach();
    (softmax(logits, 1).reshape({N, k, 1}) * experts).sum(1).backward(g);
    const ex::CombineGrads r = ex::moe_combine_backward(logits.detach(), experts.detach(), g);
    check_values("dlogits", r.dlogits, logits.grad(), 1e-10);
    check_values("dexperts", r.dexperts, experts.grad(), 1e-12);
  }
}
