// tests/exercises/engine_pieces.cpp — one check per piece of the engine the course marks
// (`// course exNN begin` ... `end` in core/ and layers/), run on whatever engine it is linked
// with: the engine's own code, where every check passes, or an engine in which a piece's
// regions are replaced (tests/exercises/course_copy.cpp), where that piece's check fails and its
// message names the piece. Each case's name starts with the piece, so `-tc='ex09*'` runs one.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include <functional>
#include <string>

#include "core/tapegrad.hpp"
#include "diagnose.hpp"
#include "helpers.hpp"
#include "layers/optim.hpp"

using namespace tg;

namespace {
Tensor leaf(const Shape& shape, std::uint64_t seed) {
  Generator gen(seed);
  return randn(shape, gen, float64).requires_grad_();
}

std::vector<std::int64_t> dims(const Shape& s) {
  return std::vector<std::int64_t>(s.begin(), s.end());
}

// The piece's gradients of L = sum(w * f(inputs)) (w fixed, random) against central
// differences, input by input; a mismatch is reported by diagnose(): the piece, the input by
// name, the element, both values, and the likely cause.
void check_gradients(const std::string& piece, const std::function<Tensor(const std::vector<Tensor>&)>& f,
                     const std::vector<Tensor>& inputs, const std::vector<std::string>& names) {
  std::vector<Tensor> xs;
  for (const Tensor& x : inputs) xs.push_back(x.detach().clone().requires_grad_());
  const Tensor y = f(xs);
  Generator gen(99);
  const Tensor w = randn(y.shape(), gen, float64);
  (y * w).sum().backward();
  for (std::size_t k = 0; k < xs.size(); ++k) {
    std::vector<double> numeric(static_cast<std::size_t>(xs[k].numel()));
    for (std::size_t i = 0; i < numeric.size(); ++i) {
      std::vector<Tensor> probe;
      for (const Tensor& x : xs) probe.push_back(x.detach().clone());
      double* p = probe[k].data<double>();
      const double saved = p[i], h = 1e-6;
      NoGradGuard no_grad;
      p[i] = saved + h;
      const double up = (f(probe) * w).sum().item();
      p[i] = saved - h;
      const double down = (f(probe) * w).sum().item();
      numeric[i] = (up - down) / (2 * h);
    }
    REQUIRE_MESSAGE(xs[k].grad().defined(), piece, ": no gradient reached ", names[k]);
    const std::string why = ex::diagnose(piece, "d" + names[k], dims(xs[k].grad().shape()),
                                         xs[k].grad().to_vector(), dims(xs[k].shape()), numeric,
                                         1e-6);
    INFO(why);
    CHECK(why.empty());
  }
}
}  // namespace

TEST_CASE("diagnose names the cause a pattern shows") {
  using ex::diagnose;
  const std::vector<double> want = {0.1, -0.2, 0.3, 0.4};
  std::vector<double> big;
  for (double v : want) big.push_back(512 * v);
  CHECK(diagnose("ex08", "dlogits", {2, 2}, big, {2, 2}, want, 1e-9) ==
        "ex08: dlogits differs at (0, 0): yours 51.200000000000003, expected 0.10000000000000001 "
        "(every element is 512x the expected: a missing 1/512?)");
  CHECK(diagnose("ex03", "da", {2, 2}, {0.1, 0.3, -0.2, 0.4}, {2, 2}, want, 1e-9)
            .find("transposed") != std::string::npos);
  CHECK(diagnose("ex03", "da", {5, 4}, std::vector<double>(20), {4, 5}, std::vector<double>(20),
                 1e-9) == "ex03: da has shape (5, 4), expected (4, 5): transposed?");
  CHECK(diagnose("ex02", "grad", {3, 1, 4}, std::vector<double>(12), {3, 4},
                 std::vector<double>(12), 1e-9)
            .find("size-1 axes") != std::string::npos);
  CHECK(diagnose("ex09", "dx", {4}, {-0.1, 0.2, -0.3, -0.4}, {4}, want, 1e-9).find("wrong sign") !=
        std::string::npos);
  CHECK(diagnose("ex09", "dx", {4}, want, {4}, want, 1e-9).empty());
}

TEST_CASE("ex19 the backward walk: the diamond x -> a = x*x -> b = a + x -> L = a*b") {
  // L = x^2 (x^2 + x): dL/dx = 4x^3 + 3x^2 = 44 at x = 2 (docs/tape.md, topological order).
  const Tensor x = scalar(2.0, float64).requires_grad_();
  const Tensor a = x * x, b = a + x, L = a * b;
  L.backward();
  REQUIRE_MESSAGE(x.grad().defined(), "ex19 the backward walk: no gradient reached x (was every "
                                      "record's backward run, newest first?)");
  const std::string why =
      ex::diagnose("ex19 the backward walk", "dL/dx", {}, {x.grad().item()}, {}, {44.0}, 1e-15);
  INFO(why);
  CHECK(why.empty());
}

TEST_CASE("ex02 sum_to_shape: a broadcast gradient summed back, size-1 axes included") {
  const Tensor x = leaf({3, 1}, 1), y = leaf({1, 4}, 2), z = leaf({4}, 3);
  check_gradients("ex02 sum_to_shape", [](const std::vector<Tensor>& in) { return in[0] + in[1] * in[2]; },
                  {x, y, z}, {"x (3, 1)", "y (1, 4)", "z (4,)"});
  // By hand: the gradient of sum(x + y) reaching x (3, 1) is 4 per element (its 4 columns).
  const Tensor s = (x + y).sum();
  s.backward();
  REQUIRE(x.grad().shape() == Shape{3, 1});
  for (std::int64_t i = 0; i < 3; ++i) CHECK(x.grad().at({i, 0}) == 4.0);
}

TEST_CASE("ex03 matmul and linear backward: a non-square product, a batch") {
  const auto product = [](const std::vector<Tensor>& in) { return matmul(in[0], in[1]); };
  check_gradients("ex03 matmul", product, {leaf({3, 5}, 4), leaf({5, 2}, 5)}, {"a", "b"});
  check_gradients("ex03 matmul", product, {leaf({2, 3, 4}, 6), leaf({4, 3}, 7)}, {"a", "b"});
  check_gradients("ex03 linear",
                  [](const std::vector<Tensor>& in) { return linear(in[0], in[1], in[2]); },
                  {leaf({2, 3, 5}, 8), leaf({4, 5}, 9), leaf({4}, 10)}, {"x", "weight", "bias"});
}

TEST_CASE("ex08 cross_entropy backward: a row ignored, large logits") {
  const std::vector<std::int64_t> targets = {2, -100, 0, 1};
  const auto loss = [&](const std::vector<Tensor>& in) { return cross_entropy(in[0], targets); };
  check_gradients("ex08 cross_entropy", loss, {leaf({4, 3}, 11)}, {"logits"});
  // Large logits: softmax saturates, the gradient stays finite and exact.
  const Tensor big = (leaf({4, 3}, 12) * 50.0).detach().requires_grad_();
  check_gradients("ex08 cross_entropy", loss, {big}, {"logits"});
}

TEST_CASE("ex09 rms_norm backward: rows of a batch") {
  check_gradients("ex09 rms_norm",
                  [](const std::vector<Tensor>& in) { return rms_norm(in[0], in[1], 1e-5); },
                  {leaf({2, 3, 6}, 13), leaf({6}, 14)}, {"x", "weight"});
}

TEST_CASE("ex12 attention backward: causal, two heads side by side") {
  check_gradients(
      "ex12 attention",
      [](const std::vector<Tensor>& in) {
        return scaled_dot_product_attention_heads(in[0], in[1], in[2], 2, true);
      },
      {leaf({2, 4, 6}, 15), leaf({2, 4, 6}, 16), leaf({2, 4, 6}, 17)}, {"q", "k", "v"});
  check_gradients(
      "ex12 attention",
      [](const std::vector<Tensor>& in) {
        return scaled_dot_product_attention(in[0], in[1], in[2], false);
      },
      {leaf({3, 5}, 18), leaf({4, 5}, 19), leaf({4, 2}, 20)}, {"q", "k", "v"});
}

TEST_CASE("ex11 AdamW: two steps equal torch.optim.AdamW's update, worked in the test") {
  const std::vector<double> w0 = {0.5, -1.0, 2.0}, g = {0.1, -0.2, 0.3};
  const Tensor p = tensor(w0, {3}, float64).requires_grad_();
  optim::AdamOptions o;
  o.lr = 0.1, o.weight_decay = 0.01;
  optim::AdamW opt(std::vector<Tensor>{p}, o);
  std::vector<double> w = w0, m(3, 0.0), v(3, 0.0);
  for (int t = 1; t <= 2; ++t) {
    p.zero_grad();
    (p * tensor(g, {3}, float64)).sum().backward();  // grad = g
    opt.step();
    for (std::size_t i = 0; i < 3; ++i) {  // decoupled decay, then Adam with bias correction
      w[i] -= o.lr * o.weight_decay * w[i];
      m[i] = o.beta1 * m[i] + (1 - o.beta1) * g[i];
      v[i] = o.beta2 * v[i] + (1 - o.beta2) * g[i] * g[i];
      const double mh = m[i] / (1 - std::pow(o.beta1, t)), vh = v[i] / (1 - std::pow(o.beta2, t));
      w[i] -= o.lr * mh / (std::sqrt(vh) + o.eps);
    }
  }
  const std::string why = ex::diagnose("ex11 AdamW", "w after two steps", {3}, p.to_vector(), {3},
                                       w, 1e-13);
  INFO(why);
  CHECK(why.empty());
}
