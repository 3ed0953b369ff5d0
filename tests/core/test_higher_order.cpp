// Derivatives of derivatives (issue 29, first part): tg::grad, backward with create_graph, and
// gradgradcheck on the readable floor's ops whose backward is made of recorded ops.
#include <algorithm>

#include "activations/activations.hpp"
#include "core/checkpoint.hpp"
#include "helpers.hpp"

using namespace tg;
using namespace tg::testing;


TEST_CASE("grad twice gives the second derivative: x^3 -> 3x^2 -> 6x") {
  const Tensor x = var({2.0, -1.5}, {2});
  const Tensor y = sum(x * x * x);
  const std::vector<Tensor> g = grad({y}, {x}, {}, /*create_graph=*/true);
  REQUIRE(g[0].requires_grad());  // the gradient has a history of its own
  check_values(g[0], {12.0, 6.75}, 1e-12);
  const std::vector<Tensor> h = grad({sum(g[0])}, {x});
  check_values(h[0], {12.0, -9.0}, 1e-12);
  CHECK_FALSE(x.grad().defined());  // grad() leaves .grad alone
}

TEST_CASE("backward with create_graph leaves a differentiable .grad") {
  const Tensor x = var({0.5}, {1});
  sum(exp(x * x)).backward(Tensor(), /*retain_graph=*/true, /*create_graph=*/true);
  // d/dx e^(x^2) = 2x e^(x^2); again: (2 + 4x^2) e^(x^2).
  const Tensor first = x.grad();
  REQUIRE(first.requires_grad());
  check_values(first, {2 * 0.5 * std::exp(0.25)}, 1e-12);
  const std::vector<Tensor> second = grad({sum(first)}, {x});
  check_values(second[0], {(2 + 4 * 0.25) * std::exp(0.25)}, 1e-12);
}

TEST_CASE("grad: grad_outputs weight the outputs and several outputs add up") {
  const Tensor x = var({1.0, 2.0}, {2});
  const Tensor a = x * 3.0, b = x * x;
  const std::vector<Tensor> g = grad({a, b}, {x}, {var({1.0, 0.0}, {2}), var({0.0, 1.0}, {2})});
  check_values(g[0], {3.0, 4.0}, 1e-12);  // 3 from a's first element, 2x from b's second
}

TEST_CASE("grad: an intermediate input, an unused input and the errors") {
  const Tensor x = var({1.0, 2.0}, {2}), unused = var({5.0}, {1});
  const Tensor h = x * 2.0;
  const Tensor y = sum(h * h);
  const std::vector<Tensor> g = grad({y}, {h, x}, {}, false, /*retain_graph=*/true);
  check_values(g[0], {4.0, 8.0}, 1e-12);   // 2h
  check_values(g[1], {8.0, 16.0}, 1e-12);  // 2h * 2
  CHECK_ERROR([&] { grad({y}, {unused}, {}, false, true); }, "grad: input 0 (shape (1,))",
              "is not reached from the outputs", "allow_unused");
  CHECK_FALSE(grad({y}, {unused}, {}, false, true, /*allow_unused=*/true)[0].defined());
  CHECK_ERROR([&] { grad({y}, {x.detach()}); }, "grad: input 0 (shape (2,)) does not require grad");
  CHECK_ERROR([&] { grad({y}, {x}, {var({1.0}, {}), var({1.0}, {})}); },
              "grad: 2 grad_outputs for 1 outputs");
  // The graph is released after a pass without retain_graph: a second pass says so.
  const std::vector<Tensor> once = grad({y}, {x});
  check_values(once[0], {8.0, 16.0}, 1e-12);
  CHECK_ERROR([&] { grad({y}, {x}); }, "retain_graph");
}

TEST_CASE("matmul_transposed: every pair of flags, batched and broadcast, twice differentiable") {
  const Tensor a = random_var({2, 3, 4}, 50), b = random_var({4, 5}, 51);  // a (2,3,4), b (4,5)
  for (bool ta : {false, true})
    for (bool tb : {false, true}) {
      CAPTURE(ta);
      CAPTURE(tb);
      Tensor sa = ta ? transpose(a, -2, -1).detach() : a;
      Tensor sb = tb ? transpose(b, -2, -1).detach() : b;
      check_values(matmul_transposed(sa, sb, ta, tb), matmul(a, b).to_vector(), 1e-12);
      sa.requires_grad_(true), sb.requires_grad_(true);
      check_gradients(
          [ta, tb](const std::vector<Tensor>& in) {
            return matmul_transposed(in[0], in[1], ta, tb);
          },
          {sa, sb});
      check_second_order(
          [ta, tb](const std::vector<Tensor>& in) {
            return matmul_transposed(in[0], in[1], ta, tb);
          },
          {sa, sb});
    }
  CHECK_ERROR([&] { matmul_transposed(a, b, true, false); }, "matmul", "(2,3,4) transposed",
              "(4,5)", "does not fit");
}

TEST_CASE("create_graph reuses an op's own output while the graph is kept, and recomputes it without") {
  // exp, sqrt, div, softmax and log_softmax write their derivative with their output (a
  // SavedOutput, core/create_graph.hpp). With retain_graph the output itself carries the history:
  // no second record of the op on the same inputs. Without, the output's record is released as
  // the pass goes, so the output is computed again; the second derivative is the same. (Each f is
  // one op on leaves, so that nothing else in the graph needs a released record.)
  const Tensor c = var({1.5}, {1});
  const std::vector<std::pair<const char*, std::function<Tensor(const Tensor&)>>> ops = {
      {"exp", [](const Tensor& x) { return exp(x); }},
      {"sqrt", [](const Tensor& x) { return sqrt(x); }},
      {"div", [&c](const Tensor& x) { return div(c, x); }},
      {"softmax", [](const Tensor& x) { return softmax(x, 0); }},
      {"log_softmax", [](const Tensor& x) { return log_softmax(x, 0); }}};
  const Tensor w = tensor({0.5, -1.0, 2.0}, {3}, float64);
  for (const auto& [name, f] : ops) {
    CAPTURE(name);
    std::vector<double> kept, recomputed;
    {
      const Tensor x = var({0.3, 0.7, 1.1}, {3});
      const Tensor g = grad({sum(f(x) * w)}, {x}, {}, /*create_graph=*/true)[0];
      // A recomputation would be a second record of the op with the very same inputs.
      std::vector<std::vector<const TensorImpl*>> seen;
      for (const Record& rec : current_tape().records()) {
        if (std::string(rec.op) != name) continue;
        std::vector<const TensorImpl*> inputs;
        for (const Tensor& t : rec.inputs) inputs.push_back(t.impl());
        CHECK(std::find(seen.begin(), seen.end(), inputs) == seen.end());
        seen.push_back(inputs);
      }
      CHECK(!seen.empty());
      kept = grad({sum(g * g)}, {x})[0].to_vector();
    }
    {
      const Tensor x = var({0.3, 0.7, 1.1}, {3});
      sum(f(x) * w).backward(Tensor(), /*retain_graph=*/false, /*create_graph=*/true);
      const Tensor g = x.grad();
      x.zero_grad();
      recomputed = grad({sum(g * g)}, {x})[0].to_vector();
    }
    REQUIRE(kept.size() == recomputed.size());
    for (std::size_t i = 0; i < kept.size(); ++i) {
      CHECK(kept[i] == doctest::Approx(recomputed[i]).epsilon(1e-12));
      CHECK(kept[i] != 0.0);  // a second derivative that is there to compare
    }
    current_tape().clear();
  }
}

TEST_CASE("grad keeps the caller's .grad even when a pass throws") {
  const Tensor x = var({0.3, -0.2}, {2});
  sum(x * 5.0).backward();
  const Tensor d1 = grad({sum(tanh(x))}, {x}, {}, /*create_graph=*/true)[0];
  // A third derivative would go through tanh_grad's backward, which is not recorded: it throws.
  CHECK_ERROR([&] { grad({sum(d1)}, {x}, {}, /*create_graph=*/true); }, "tanh_grad: create_graph");
  check_values(x.grad(), {5.0, 5.0});
  current_tape().clear();
}

TEST_CASE("grad leaves the .grad of leaves it was not asked about untouched (the weights)") {
  const Tensor x = var({1.0, 2.0}, {2}), w = var({3.0, -1.0}, {2});
  const Tensor g = grad({sum(x * w * x)}, {x}, {}, /*create_graph=*/true)[0];
  check_values(g, {6.0, -4.0}, 1e-12);  // 2 w x
  CHECK_FALSE(w.grad().defined());
  // The penalty's gradient reaches w through the first gradient's history: d/dw sum(2 w x) = 2x.
  sum(g).backward();
  check_values(w.grad(), {2.0, 4.0}, 1e-12);
}

TEST_CASE("create_graph through an op differentiable once is an error naming the op") {
  // tanh is twice differentiable; its slope, tanh_grad, is not: a third derivative says so.
  const Tensor x = var({0.3, -0.2}, {2});
  const Tensor d1 = grad({sum(tanh(x))}, {x}, {}, /*create_graph=*/true)[0];
  const Tensor d2 = grad({sum(d1)}, {x}, {}, false, /*retain_graph=*/true)[0];
  check_values(d2, {-2 * std::tanh(0.3) * (1 - std::tanh(0.3) * std::tanh(0.3)),
                    -2 * std::tanh(-0.2) * (1 - std::tanh(-0.2) * std::tanh(-0.2))},
               1e-12);
  // A graph of the second derivative (for a third) would go through tanh_grad's backward.
  CHECK_ERROR([&] { grad({sum(d1)}, {x}, {}, /*create_graph=*/true); }, "tanh_grad: create_graph");
  current_tape().clear();
}

TEST_CASE("gradgradcheck: every pointwise activation, and f'' against its closed form") {
  const Tensor x = var({-3.0, -1.2, -0.4, 0.3, 0.9, 2.5}, {6});
  const double s2 = 0.7;  // a point for the closed forms
  const auto sig = [](double v) { return 1 / (1 + std::exp(-v)); };
  const auto phi = [](double v) { return std::exp(-v * v / 2) / std::sqrt(2 * M_PI); };
  struct Case {
    const char* name;
    std::function<Tensor(const Tensor&)> f;
    double second;  // f''(0.7), worked by hand
  };
  const double s = sig(s2), t = std::tanh(s2);
  const std::vector<Case> cases = {
      {"sigmoid", [](const Tensor& v) { return sigmoid(v); }, s * (1 - s) * (1 - 2 * s)},
      {"tanh", [](const Tensor& v) { return tanh(v); }, -2 * t * (1 - t * t)},
      {"silu", [](const Tensor& v) { return silu(v); }, s * (1 - s) * (2 + s2 * (1 - 2 * s))},
      {"gelu", [](const Tensor& v) { return gelu(v); }, phi(s2) * (2 - s2 * s2)},
      {"softplus", [](const Tensor& v) { return softplus(v); }, s * (1 - s)},
      {"relu", [](const Tensor& v) { return relu(v); }, 0.0},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    check_second_order([&](const std::vector<Tensor>& v) { return c.f(v[0]); }, {x});
    const Tensor p = var({s2}, {1});
    const Tensor d1 = grad({sum(c.f(p))}, {p}, {}, /*create_graph=*/true)[0];
    const Tensor d2 = grad({sum(d1)}, {p}, {}, false, std::nullopt, /*allow_unused=*/true)[0];
    check_values(d2.defined() ? d2 : zeros({1}, float64), {c.second}, 1e-12);
  }
  // The tanh form of GELU and leaky_relu: against central differences only.
  check_second_order([](const std::vector<Tensor>& v) { return gelu(v[0], GeluApproximation::Tanh); }, {x});
  check_second_order([](const std::vector<Tensor>& v) { return leaky_relu(v[0], 0.1); }, {x});
}

TEST_CASE("gradgradcheck catches a backward that is right once and wrong twice") {
  // x^2 whose backward computes 2x as x + x.detach(): right values, but the second derivative
  // it records is 1 instead of 2.
  const auto half_detached = [](const std::vector<Tensor>& v) {
    const Tensor& x = v[0];
    return record("half_detached_square", {x}, mul(x.detach(), x.detach()), [x](const Tensor& g) {
      accumulate_grad(x, mul(g, add(x, x.detach())));
    });
  };
  const Tensor x = var({1.0, -2.0, 0.5}, {3});
  CHECK(gradcheck(half_detached, {x}).ok);
  const GradcheckResult r = gradgradcheck(half_detached, {x});
  CHECK_FALSE(r.ok);
  CHECK(r.message.find("gradcheck: input 0 (shape (3,))") == 0);
}

TEST_CASE("gradgradcheck: arithmetic with broadcasting") {
  const Tensor a = random_var({3, 1}, 1), b = random_var({1, 4}, 2), c = random_var({4}, 3, 2.0);
  check_second_order([](const std::vector<Tensor>& v) { return v[0] * v[1] + v[0] / v[2] - v[1] * v[1]; },
                     {a, b, c});
  check_second_order([](const std::vector<Tensor>& v) { return neg(v[0] * v[0] * v[1]); }, {a, b});
}

TEST_CASE("gradgradcheck: exp, log, sqrt, pow") {
  const Tensor x = random_var({5}, 4, 3.0);  // positive: log and sqrt are defined
  check_second_order([](const std::vector<Tensor>& v) { return exp(v[0] * 0.3) * log(v[0]); }, {x});
  check_second_order([](const std::vector<Tensor>& v) { return sqrt(v[0]) + pow(v[0], 3.5); }, {x});
}

TEST_CASE("gradgradcheck: sum, mean, reshape, permute, expand, concat, where") {
  const Tensor x = random_var({2, 3}, 5), y = random_var({2, 3}, 6);
  check_second_order(
      [](const std::vector<Tensor>& v) {
        const Tensor s = sum(v[0] * v[0], 1, true) * v[1];
        return permute(s.reshape({3, 2}), {1, 0}) * 2.0;
      },
      {x, y});
  check_second_order(
      [](const std::vector<Tensor>& v) {
        return concat({v[0] * v[1], v[1] * v[1]}, 0) * mean(v[0] * v[0]);
      },
      {x, y});
  check_second_order(
      [](const std::vector<Tensor>& v) { return slice(v[0] * v[0], 1, 1, 3) * v[1].reshape({3, 2}).reshape({2, 3}).sum(); },
      {x, y});
  const Tensor cond = tensor({1, 0, 1, 0, 0, 1}, {2, 3}, float64);
  check_second_order(
      [cond](const std::vector<Tensor>& v) { return where(cond, v[0] * v[0], v[1] * v[0]); },
      {x, y});
}

TEST_CASE("gradgradcheck: matmul, batched and broadcast, and linear") {
  check_second_order(
      [](const std::vector<Tensor>& v) { return matmul(v[0], v[1]) * matmul(v[0], v[1]); },
      {random_var({3, 4}, 7), random_var({4, 2}, 8)});
  check_second_order(
      [](const std::vector<Tensor>& v) { return exp(matmul(v[0], v[1]) * 0.2); },
      {random_var({2, 3, 4}, 9), random_var({4, 3}, 10)});
  check_second_order(
      [](const std::vector<Tensor>& v) {
        const Tensor y = linear(v[0], v[1], v[2]);
        return y * y;
      },
      {random_var({2, 3, 5}, 11), random_var({4, 5}, 12), random_var({4}, 13)});
}

TEST_CASE("gradgradcheck: softmax and log_softmax") {
  check_second_order([](const std::vector<Tensor>& v) { return softmax(v[0], 1) * v[0]; },
                     {random_var({3, 4}, 14)});
  check_second_order([](const std::vector<Tensor>& v) { return log_softmax(v[0] * 2.0, 0); },
                     {random_var({3, 4}, 15)});
}

TEST_CASE("a Hessian-vector product by double backward equals A v for a quadratic") {
  // f(x) = 1/2 x^T A x with A symmetric: grad = A x, and the Hessian is A, so H v = A v.
  const Tensor A = tensor({2, 1, 0, 1, 3, 1, 0, 1, 4}, {3, 3}, float64);
  const Tensor x = var({0.5, -1.0, 2.0}, {3}), v = tensor({1.0, 2.0, -1.0}, {3}, float64);
  const Tensor f = sum(x.reshape({1, 3}) * matmul(x.reshape({1, 3}), A)) * 0.5;
  const Tensor g = grad({f}, {x}, {}, /*create_graph=*/true)[0];
  check_values(g, {0.0, -0.5, 7.0}, 1e-12);  // A x
  const Tensor hv = grad({sum(g * v)}, {x})[0];
  check_values(hv, {4.0, 6.0, -2.0}, 1e-12);  // A v
}

TEST_CASE("hvp, hessian and jvp on small functions, worked by hand") {
  // f(x) = x0^2 x1 + x1^3: H = [[2 x1, 2 x0], [2 x0, 6 x1]] = [[4, 2], [2, 12]] at (1, 2).
  const auto f = [](const Tensor& x) {
    const Tensor x0 = slice(x, 0, 0, 1), x1 = slice(x, 0, 1, 2);
    return sum(x0 * x0 * x1 + x1 * x1 * x1);
  };
  const Tensor x = tensor({1.0, 2.0}, {2}, float64);
  check_values(hvp(f, x, tensor({1.0, -1.0}, {2}, float64)), {2.0, -10.0}, 1e-12);
  check_values(hessian(f, x), {4.0, 2.0, 2.0, 12.0}, 1e-12);
  // g(x) = (x0 x1, exp(x0)): J = [[x1, x0], [e^x0, 0]], J v for v = (1, 3) at (1, 2): (5, e).
  const auto g = [](const Tensor& x) {
    const Tensor x0 = slice(x, 0, 0, 1), x1 = slice(x, 0, 1, 2);
    return concat({x0 * x1, exp(x0)}, 0);
  };
  check_values(jvp(g, x, tensor({1.0, 3.0}, {2}, float64)), {5.0, std::exp(1.0)}, 1e-12);
  CHECK_ERROR([&] { hvp(f, x, tensor({1.0}, {1}, float64)); }, "hvp: v must have shape (2,)");
  CHECK_ERROR([&] { hvp(g, x, x); }, "hvp: f must return one number");
}

TEST_CASE("create_graph: two leaves never share one gradient tensor") {
  // add's backward hands the same g to both inputs; each leaf's .grad must be its own copy, or
  // an in-place update of one (an optimizer step, clipping) would change the other.
  const Tensor x = var({0.2, -0.4}, {2}), w = var({0.1, 0.3}, {2});
  sum(tanh(x + w)).backward(Tensor(), /*retain_graph=*/true, /*create_graph=*/true);
  REQUIRE(x.grad().impl() != w.grad().impl());
  const std::vector<double> before = w.grad().to_vector();
  {
    NoGradGuard no_grad;
    add_(x.grad(), ones({2}, float64));
  }
  check_values(w.grad(), before, 0);
  current_tape().clear();
}

TEST_CASE("grad: an input listed twice gets its gradient twice and keeps its .grad") {
  const Tensor x = var({1.0, -2.0}, {2});
  sum(x * 4.0).backward();
  const std::vector<Tensor> g = grad({sum(x * x)}, {x, x});
  check_values(g[0], {2.0, -4.0}, 1e-12);
  check_values(g[1], {2.0, -4.0}, 1e-12);
  check_values(x.grad(), {4.0, 4.0}, 0);
}

TEST_CASE("grad through a checkpoint leaves the checkpoint's params' .grad untouched") {
  const Tensor x = var({0.5, -1.0}, {1, 2}), w = var({1.0, 2.0, -1.0, 0.5}, {2, 2});
  const Tensor y = checkpoint([w](const std::vector<Tensor>& in) { return tanh(matmul(in[0], w)); },
                              {x}, {w});
  const Tensor dx = grad({sum(y)}, {x})[0];
  CHECK_FALSE(w.grad().defined());
  CHECK(dx.defined());
  // Under create_graph, a checkpoint of the identity passes the gradient straight on.
  const Tensor z = var({3.0}, {1});
  const Tensor same = checkpoint([](const std::vector<Tensor>& in) { return in[0]; }, {z});
  const Tensor dz = grad({sum(same * same)}, {z}, {}, /*create_graph=*/true)[0];
  check_values(dz, {6.0}, 1e-12);
  current_tape().clear();
}
