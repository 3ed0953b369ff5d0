#include <cmath>

#include "exercise_checks.hpp"

namespace {
std::vector<double> softmax_of(const std::vector<double>& x) {
  return softmax(tensor(x, {}, float64), 0).to_vector();
}
}  // namespace

TEST_SUITE("ex21") {
  TEST_CASE("ex21: softmax_backward equals the tape's gradient on rows of 1 and 3 and 7") {
    for (const std::vector<double>& x : sample_rows()) {
      const std::vector<double> g = sample_gradient(x.size());
      const Tensor xt = tensor(x, {}, float64).requires_grad_();
      softmax(xt, 0).backward(tensor(g, {}, float64));
      check_close("dL/dx", ex::softmax_backward(softmax_of(x), g), xt.grad().to_vector(), 1e-14);
    }
  }
  TEST_CASE("ex21: softmax_backward matches central differences with logits far apart") {
    const std::vector<double> x = {30.0, -30.0, 29.0, 0.0}, g = {1.0, -2.0, 0.5, 3.0};
    std::vector<double> numeric;
    for (std::size_t j = 0; j < x.size(); ++j) {
      std::vector<double> up = x, down = x;
      up[j] += 1e-6, down[j] -= 1e-6;
      double fu = 0, fd = 0;
      const std::vector<double> yu = softmax_of(up), yd = softmax_of(down);
      for (std::size_t i = 0; i < x.size(); ++i) fu += g[i] * yu[i], fd += g[i] * yd[i];
      numeric.push_back((fu - fd) / 2e-6);
    }
    const std::vector<double> yours = ex::softmax_backward(softmax_of(x), g);
    check_close("dL/dx", yours, numeric, 1e-8);
    double sum = 0;
    for (double v : yours) sum += v;
    CHECK(std::abs(sum) < 1e-12);  // a shift of every logit changes nothing: the row sums to 0
  }
}
