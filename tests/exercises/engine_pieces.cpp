// tests/exercises/engine_pieces.cpp — one check per piece of the engine the course marks
// (`// course exNN begin` ... `end` in core/ and layers/), run on whatever engine it is linked
// with: the engine's own code, where every check passes, or an engine in which a piece's
// regions are replaced (tests/exercises/course_copy.cpp), where that piece's check fails and its
// message names the piece. Each case's name starts with the piece, so `-tc='ex09*'` runs one.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "core/tapegrad.hpp"
#include "helpers.hpp"
#include "layers/optim.hpp"

using namespace tg;
using tg::testing::check_gradients;

namespace {
Tensor leaf(const Shape& shape, std::uint64_t seed) {
  Generator gen(seed);
  return randn(shape, gen, float64).requires_grad_();
}
}  // namespace

TEST_CASE("ex19 the backward walk: the diamond x -> a = x*x -> b = a + x -> L = a*b") {
  // L = x^2 (x^2 + x): dL/dx = 4x^3 + 3x^2 = 44 at x = 2 (docs/tape.md, topological order).
  const Tensor x = scalar(2.0, float64).requires_grad_();
  const Tensor a = x * x, b = a + x, L = a * b;
  L.backward();
  REQUIRE(x.grad().defined());
  CHECK(x.grad().item() == doctest::Approx(44.0).epsilon(1e-15));
}

TEST_CASE("ex02 sum_to_shape: a broadcast gradient summed back, size-1 axes included") {
  const Tensor x = leaf({3, 1}, 1), y = leaf({1, 4}, 2), z = leaf({4}, 3);
  check_gradients([](const std::vector<Tensor>& in) { return in[0] + in[1] * in[2]; }, {x, y, z});
  // By hand: the gradient of sum(x + y) reaching x (3, 1) is 4 per element (its 4 columns).
  const Tensor s = (x + y).sum();
  s.backward();
  REQUIRE(x.grad().shape() == Shape{3, 1});
  for (std::int64_t i = 0; i < 3; ++i) CHECK(x.grad().at({i, 0}) == 4.0);
}

TEST_CASE("ex03 matmul and linear backward: a non-square product, a batch") {
  check_gradients([](const std::vector<Tensor>& in) { return matmul(in[0], in[1]); },
                  {leaf({3, 5}, 4), leaf({5, 2}, 5)});
  check_gradients([](const std::vector<Tensor>& in) { return matmul(in[0], in[1]); },
                  {leaf({2, 3, 4}, 6), leaf({4, 3}, 7)});
  check_gradients([](const std::vector<Tensor>& in) { return linear(in[0], in[1], in[2]); },
                  {leaf({2, 3, 5}, 8), leaf({4, 5}, 9), leaf({4}, 10)});
}

TEST_CASE("ex08 cross_entropy backward: a row ignored, large logits") {
  const std::vector<std::int64_t> targets = {2, -100, 0, 1};
  check_gradients([&](const std::vector<Tensor>& in) { return cross_entropy(in[0], targets); },
                  {leaf({4, 3}, 11)});
  // Large logits: softmax saturates, the gradient stays finite and exact.
  const Tensor big = (leaf({4, 3}, 12) * 50.0).detach().requires_grad_();
  check_gradients([&](const std::vector<Tensor>& in) { return cross_entropy(in[0], targets); },
                  {big});
}

TEST_CASE("ex09 rms_norm backward: rows of a batch") {
  check_gradients(
      [](const std::vector<Tensor>& in) { return rms_norm(in[0], in[1], 1e-5); },
      {leaf({2, 3, 6}, 13), leaf({6}, 14)});
}

TEST_CASE("ex12 attention backward: causal, two heads side by side") {
  check_gradients(
      [](const std::vector<Tensor>& in) {
        return scaled_dot_product_attention_heads(in[0], in[1], in[2], 2, true);
      },
      {leaf({2, 4, 6}, 15), leaf({2, 4, 6}, 16), leaf({2, 4, 6}, 17)});
  check_gradients(
      [](const std::vector<Tensor>& in) {
        return scaled_dot_product_attention(in[0], in[1], in[2], false);
      },
      {leaf({3, 5}, 18), leaf({4, 5}, 19), leaf({4, 2}, 20)});
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
  for (std::int64_t i = 0; i < 3; ++i)
    CHECK(p.at({i}) == doctest::Approx(w[static_cast<std::size_t>(i)]).epsilon(1e-14));
}
