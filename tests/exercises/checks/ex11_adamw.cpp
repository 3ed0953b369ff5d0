#include "exercise_checks.hpp"
#include "layers/optim.hpp"

TEST_SUITE("ex11") {
  TEST_CASE("ex11: three adamw_step calls equal torch-style tg::optim::AdamW") {
    Tensor p = var({0.5, -1.0, 2.0});
    optim::AdamOptions o;
    o.lr = 0.01;
    o.weight_decay = 0.1;
    optim::AdamW reference({p}, o);
    std::vector<double> w = {0.5, -1.0, 2.0}, m(3, 0.0), v(3, 0.0);
    ex::AdamWHyper h;
    h.lr = 0.01;
    h.weight_decay = 0.1;
    for (int t = 1; t <= 3; ++t) {
      const std::vector<double> g = {0.3 * t, -0.2, 1.0 / t};
      p.zero_grad();
      (p * tensor(g, {}, float64)).sum().backward();
      reference.step();
      ex::adamw_step(w, g, m, v, t, h);
      check_close("w after step " + std::to_string(t), w, p.to_vector(), 1e-12);
    }
  }
}
