#include "exercise_checks.hpp"
#include "layers/norms.hpp"

TEST_SUITE("ex14") {
  TEST_CASE("ex14: layer_norm_backward equals the tape's gradients") {
    Tensor x = random_var({3, 6}, 30), w = random_var({6}, 31), b = random_var({6}, 32);
    const Tensor g = random_var({3, 6}, 33).detach();
    nn::layer_norm(x, w, b, 1e-5).backward(g);
    const ex::LayerNormGrads mine = ex::layer_norm_backward(x.detach(), w.detach(), 1e-5, g);
    check_values("dx", mine.dx, x.grad(), 1e-12);
    check_values("dweight", mine.dweight, w.grad(), 1e-12);
    check_values("dbias", mine.dbias, b.grad(), 1e-12);
  }
  TEST_CASE("ex14: layer_norm_backward matches central differences in float64") {
    const Tensor x = random_var({4, 5}, 34).detach(), w = random_var({5}, 35).detach(),
                 b = random_var({5}, 36).detach(), g = random_var({4, 5}, 37).detach();
    const double eps = 1e-5;
    // L = sum(g * layer_norm(x, w, b)): its gradient with respect to each input is what the
    // backward returns for the output gradient g.
    const auto loss = [&](const Tensor& xx, const Tensor& ww, const Tensor& bb) {
      NoGradGuard no_grad;
      return dot(g, nn::layer_norm(xx, ww, bb, eps));
    };
    const ex::LayerNormGrads mine = ex::layer_norm_backward(x, w, eps, g);
    check_values("dx", mine.dx, numeric_gradient([&](const Tensor& v) { return loss(v, w, b); }, x),
                 1e-7);
    check_values("dweight", mine.dweight,
                 numeric_gradient([&](const Tensor& v) { return loss(x, v, b); }, w), 1e-7);
    check_values("dbias", mine.dbias,
                 numeric_gradient([&](const Tensor& v) { return loss(x, w, v); }, b), 1e-7);
  }
}
