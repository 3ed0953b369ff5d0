#include "activations/activations.hpp"
#include "exercise_checks.hpp"

TEST_SUITE("ex05") {
  TEST_CASE("ex05: swish values equal tg::swish") {
    const Tensor x = random_var({3, 4}, 6);
    check_values("out", ex::swish(x, scalar(1.5, float64)), tg::swish(x, 1.5).to_vector(), 1e-12);
  }
  TEST_CASE("ex05: gradients reach x and the learnable beta") {
    Tensor beta = scalar(0.7, float64);
    beta.requires_grad_();
    Tensor x = random_var({3, 4}, 7);
    check_gradients([](Inputs v) { return ex::swish(v[0], v[1]); }, {x, beta});
    // The same gradients by name, against the tape's through the composite x * sigmoid(beta x).
    const Tensor g = random_var({3, 4}, 70).detach();
    swish_composite(x, beta).backward(g);
    const Tensor dx = x.grad().clone(), dbeta = beta.grad().clone();
    x.zero_grad();
    beta.zero_grad();
    ex::swish(x, beta).backward(g);
    check_values("dx", x.grad(), dx, 1e-12);
    check_values("dbeta", beta.grad(), dbeta, 1e-12);
  }
}
