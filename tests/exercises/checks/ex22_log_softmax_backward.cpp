#include <cmath>

#include "exercise_checks.hpp"

TEST_SUITE("ex22") {
  TEST_CASE("ex22: log_softmax_backward equals the tape's gradient on rows of 1 and 3 and 7") {
    for (const std::vector<double>& x : sample_rows()) {
      const std::vector<double> g = sample_gradient(x.size());
      const Tensor xt = tensor(x, {}, float64).requires_grad_();
      const Tensor z = log_softmax(xt, 0);
      z.backward(tensor(g, {}, float64));
      check_close("dL/dx", ex::log_softmax_backward(z.detach().to_vector(), g),
                  xt.grad().to_vector(), 1e-14);
    }
  }
  TEST_CASE("ex22: log_softmax_backward stays finite and exact for logits 1000 apart") {
    // z = (0, -1000, -2000) up to rounding: softmax is (1, 0, 0), so dL/dx = g - (sum g, 0, 0).
    const std::vector<double> x = {1000.0, 0.0, -1000.0}, g = {1.0, 2.0, 3.0};
    const std::vector<double> z = log_softmax(tensor(x, {}, float64), 0).to_vector();
    check_close("dL/dx", ex::log_softmax_backward(z, g), {1.0 - 6.0, 2.0, 3.0}, 1e-12);
  }
}
