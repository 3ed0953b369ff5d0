#include "activations/activations.hpp"
#include "exercise_checks.hpp"

TEST_SUITE("ex05") {
  TEST_CASE("ex05: swish values equal tg::swish") {
    const Tensor x = random_var({3, 4}, 6);
    check_values(ex::swish(x, scalar(1.5, float64)), tg::swish(x, 1.5).to_vector(), 1e-12);
  }
  TEST_CASE("ex05: gradients reach x and the learnable beta") {
    Tensor beta = scalar(0.7, float64);
    beta.requires_grad_();
    check_gradients([](Inputs v) { return ex::swish(v[0], v[1]); }, {random_var({3, 4}, 7), beta});
  }
}
