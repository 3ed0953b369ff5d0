// tests/exercises/engine_pieces.cpp — one check per piece of the engine the course marks
// (`// course exNN begin` ... `end` in core/ and layers/), run on whatever engine it is linked
// with: the engine's own code, where every check passes, or an engine in which a piece's
// regions are replaced (tests/exercises/course_copy.cpp), where that piece's check fails and its
// message names the piece. Each case's name starts with the piece, so `-tc='ex09*'` runs one.
//
// Every piece is checked three ways: values worked by hand (in the comments, so a learner can
// redo them), its gradients against central differences in float64 on several shapes (size-1
// broadcasts, a batch, non-square matrices), and the same gradients computed in float32 (the
// dtype training uses), within float32's precision.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

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

Tensor values(const std::vector<double>& v, const Shape& shape, DType dtype = float64) {
  const Tensor flat = tensor(v, {static_cast<std::int64_t>(v.size())}, float64);
  return flat.reshape(shape).to(dtype).detach().requires_grad_();
}

std::vector<std::int64_t> dims(const Shape& s) {
  return std::vector<std::int64_t>(s.begin(), s.end());
}

// Reports diagnose()'s words as the failure: piece, tensor, element, both values, likely cause.
void expect_equal(const std::string& piece, const std::string& tensor, const Tensor& got,
                  const Shape& want_shape, const std::vector<double>& want, double tol) {
  REQUIRE_MESSAGE(got.defined(), piece, ": no gradient reached ", tensor);
  const std::string why =
      ex::diagnose(piece, tensor, dims(got.shape()), got.to_vector(), dims(want_shape), want, tol);
  INFO(why);
  CHECK(why.empty());
}

// Runs a backward pass for ex19's checks: an error it throws is reported as the walk's.
void ex19_runs(const std::function<void()>& pass) {
  try {
    pass();
  } catch (const std::exception& e) {
    const std::string why = std::string("ex19 the backward walk: the backward pass threw: ") + e.what();
    FAIL(why);
  }
}

// The piece's gradients of L = sum(w * f(inputs)) (w fixed, random) against central
// differences in float64, input by input; then the same gradients computed in float32, against
// the same differences within float32's precision. A mismatch is reported by diagnose(): the
// piece (and the dtype), the input by name, the element, both values, and the likely cause.
void check_gradients(const std::string& piece, const std::function<Tensor(const std::vector<Tensor>&)>& f,
                     const std::vector<Tensor>& inputs, const std::vector<std::string>& names) {
  std::vector<Tensor> xs;
  for (const Tensor& x : inputs) xs.push_back(x.detach().clone());
  Tensor w;
  {
    NoGradGuard no_grad;
    Generator gen(99);
    w = randn(f(xs).shape(), gen, float64);
  }
  std::vector<std::vector<double>> numeric(xs.size());
  for (std::size_t k = 0; k < xs.size(); ++k) {
    numeric[k].resize(static_cast<std::size_t>(xs[k].numel()));
    for (std::size_t i = 0; i < numeric[k].size(); ++i) {
      std::vector<Tensor> probe;
      for (const Tensor& x : xs) probe.push_back(x.clone());
      double* p = probe[k].data<double>();
      const double saved = p[i], h = 1e-6;
      NoGradGuard no_grad;
      p[i] = saved + h;
      const double up = (f(probe) * w).sum().item();
      p[i] = saved - h;
      const double down = (f(probe) * w).sum().item();
      numeric[k][i] = (up - down) / (2 * h);
    }
  }
  for (const DType dtype : {float64, float32}) {
    std::vector<Tensor> ins;
    for (const Tensor& x : xs) ins.push_back(x.to(dtype).detach().requires_grad_());
    (f(ins) * w.to(dtype)).sum().backward();
    const std::string who = dtype == float64 ? piece : piece + " (float32)";
    for (std::size_t k = 0; k < ins.size(); ++k)
      expect_equal(who, "d" + names[k], ins[k].grad(), xs[k].shape(), numeric[k],
                   dtype == float64 ? 1e-6 : 2e-4);
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

TEST_CASE("ex19 the backward walk: a diamond worked by hand") {
  // x -> a = x*x -> b = a + x -> L = a*b, so L = x^2 (x^2 + x) and dL/dx = 4x^3 + 3x^2 = 44 at
  // x = 2 (docs/tape.md, topological order). x reaches L by three paths: all three must add up,
  // which needs every record after a's to be walked before a's.
  for (const DType dtype : {float64, float32}) {
    const Tensor x = values({2.0}, {}, dtype);
    const Tensor a = x * x, b = a + x, L = a * b;
    ex19_runs([&] { L.backward(); });
    expect_equal(dtype == float64 ? "ex19 the backward walk" : "ex19 the backward walk (float32)",
                 "dL/dx", x.grad(), {}, {44.0}, 1e-12);
  }
}

TEST_CASE("ex19 the backward walk: a value used twice gets both contributions") {
  // b = a + a, c = sum(b * b): dc/da = 2b * 2 = 8a, so 12 and -16 at a = (1.5, -2).
  const Tensor a = values({1.5, -2.0}, {2});
  const Tensor b = a + a;
  ex19_runs([&] { sum(b * b).backward(); });
  expect_equal("ex19 the backward walk", "da", a.grad(), {2}, {12.0, -16.0}, 1e-15);
}

TEST_CASE("ex19 the backward walk: records off the path to the root do not run") {
  // A record whose output gets no gradient lies on no path to the root: its backward must not
  // run. `off` is recorded with a backward that only notes that it ran.
  const Tensor x = leaf({3}, 23);
  current_tape().clear();
  bool ran = false;
  const Tensor off = record("off_path", {x}, x.detach().clone(), [&ran](const Tensor&) { ran = true; });
  const Tensor loss = sum(exp(x));
  REQUIRE(current_tape().size() == 3);  // off_path, exp, sum
  ex19_runs([&] { loss.backward(); });
  CHECK_MESSAGE(!ran, "ex19 the backward walk: the backward of a record whose output got no "
                      "gradient ran (it is on no path to the root: skip it)");
  CHECK_MESSAGE(current_tape().size() == 1, "ex19 the backward walk: the records the walk went "
                                            "through must be released (release(records_[i]))");
  expect_equal("ex19 the backward walk", "dx", x.grad(), {3}, exp(x.detach()).to_vector(), 1e-15);
  current_tape().clear();
}

TEST_CASE("ex19 the backward walk: retain_graph keeps the graph for a second pass") {
  // backward(seed, retain_graph = true) twice: the records stay, and the gradients add up, so
  // d(sum(x * x))/dx = 2x, twice, is 4x.
  const Tensor x = values({1.0, -2.0}, {2});
  const Tensor loss = sum(x * x);
  ex19_runs([&] {
    loss.backward(Tensor(), true);
    loss.backward(Tensor(), true);
  });
  expect_equal("ex19 the backward walk", "dx after two passes with retain_graph", x.grad(), {2},
               {4.0, -8.0}, 1e-15);
}

TEST_CASE("ex19 the backward walk: central differences and a chain of 10000 ops") {
  check_gradients("ex19 the backward walk",
                  [](const std::vector<Tensor>& in) { return exp(in[0] * in[1]) * in[0] + in[1]; },
                  {leaf({5}, 21), leaf({5}, 22)}, {"x", "w"});
  // A chain much deeper than a recursive walk could go: (1.0001)^10000 by hand.
  const Tensor x = values({0.5}, {1});
  Tensor y = x;
  for (int i = 0; i < 10000; ++i) y = y * 1.0001;
  ex19_runs([&] { sum(y).backward(); });
  expect_equal("ex19 the backward walk", "dx", x.grad(), {1}, {std::pow(1.0001, 10000)}, 1e-9);
}

TEST_CASE("ex02 sum_to_shape: values worked by hand") {
  // g = 0, 1, ..., 23 as (2, 3, 4): g[i, j, k] = 12i + 4j + k.
  const Tensor g = arange(0, 24, 1, float64).reshape({2, 3, 4});
  // To (3, 1): sum over i and k of 12i + 4j + k = 48 + 32j + 12 = 60 + 32j.
  expect_equal("ex02 sum_to_shape", "sum_to_shape(g (2, 3, 4), (3, 1))", sum_to_shape(g, {3, 1}),
               {3, 1}, {60, 92, 124}, 1e-15);
  // To (4,): sum over i and j of 12i + 4j + k = 3 * 12 + 2 * 4 (0 + 1 + 2) + 6k = 60 + 6k.
  expect_equal("ex02 sum_to_shape", "sum_to_shape(g (2, 3, 4), (4,))", sum_to_shape(g, {4}), {4},
               {60, 66, 72, 78}, 1e-15);
  // To (2, 1, 1): sum over j and k: 12 * 12i + 4 (0 + 1 + 2) 4 + 3 (0 + 1 + 2 + 3) = 144i + 66.
  expect_equal("ex02 sum_to_shape", "sum_to_shape(g (2, 3, 4), (2, 1, 1))",
               sum_to_shape(g, {2, 1, 1}), {2, 1, 1}, {66, 210}, 1e-15);
  // To (): everything, 0 + 1 + ... + 23 = 276.
  expect_equal("ex02 sum_to_shape", "sum_to_shape(g (2, 3, 4), ())", sum_to_shape(g, {}), {},
               {276}, 1e-15);
  // float32 sums of many small numbers: 100000 x 0.1 summed to (1,) must not drift.
  const Tensor tenths = full({100000}, 0.1, float32);
  expect_equal("ex02 sum_to_shape (float32)", "sum_to_shape(0.1 x 100000, (1,))",
               sum_to_shape(tenths.reshape({100000, 1}), {1, 1}), {1, 1}, {10000.0}, 1e-6);
}

TEST_CASE("ex02 sum_to_shape: a broadcast gradient summed back with size-1 axes") {
  const Tensor x = leaf({3, 1}, 1), y = leaf({1, 4}, 2), z = leaf({4}, 3), s = leaf({}, 4);
  check_gradients("ex02 sum_to_shape",
                  [](const std::vector<Tensor>& in) { return in[0] + in[1] * in[2] - in[3]; },
                  {x, y, z, s}, {"x (3, 1)", "y (1, 4)", "z (4,)", "s ()"});
  // By hand: sum(x + y) reaches each x (3, 1) once per column, 4 times; each y (1, 4) 3 times.
  const Tensor xh = values({1, 2, 3}, {3, 1}), yh = values({1, 2, 3, 4}, {1, 4});
  sum(xh + yh).backward();
  expect_equal("ex02 sum_to_shape", "dx (3, 1)", xh.grad(), {3, 1}, {4, 4, 4}, 1e-15);
  expect_equal("ex02 sum_to_shape", "dy (1, 4)", yh.grad(), {1, 4}, {3, 3, 3, 3}, 1e-15);
}

TEST_CASE("ex03 matmul and linear backward: values worked by hand") {
  // A square product, where only C[0, 0] counts (dC = [[1 0] [0 0]]): C[0, 0] = A[0, 0] B[0, 0]
  // + A[0, 1] B[1, 0], so dA = [[B00 B10] [0 0]] = [[5 7] [0 0]] and dB = [[A00 0] [A01 0]] =
  // [[1 0] [2 0]]. (Square, so a transposed formula gives the right shape and wrong values.)
  {
    const Tensor A = values({1, 2, 3, 4}, {2, 2}), B = values({5, 6, 7, 8}, {2, 2});
    (matmul(A, B) * tensor({1.0, 0.0, 0.0, 0.0}, {2, 2}, float64)).sum().backward();
    expect_equal("ex03 matmul", "dA (2, 2)", A.grad(), {2, 2}, {5, 7, 0, 0}, 1e-15);
    expect_equal("ex03 matmul", "dB (2, 2)", B.grad(), {2, 2}, {1, 0, 2, 0}, 1e-15);
  }
  // L = sum(A B), A (1, 2) = [1 2], B (2, 3) = [[1 0 2] [0 1 3]]: dL/dA[k] = sum_j B[k, j] =
  // (3, 4), dL/dB[k, j] = A[k] = [[1 1 1] [2 2 2]]. The shapes differ, so a transposed
  // formula shows as a wrong shape.
  for (const DType dtype : {float64, float32}) {
    const std::string piece = dtype == float64 ? "ex03 matmul" : "ex03 matmul (float32)";
    const Tensor A = values({1, 2}, {1, 2}, dtype), B = values({1, 0, 2, 0, 1, 3}, {2, 3}, dtype);
    sum(matmul(A, B)).backward();
    expect_equal(piece, "dA (1, 2)", A.grad(), {1, 2}, {3, 4}, 1e-15);
    expect_equal(piece, "dB (2, 3)", B.grad(), {2, 3}, {1, 1, 1, 2, 2, 2}, 1e-15);
  }
  // linear: y = x W^T + b with x (1, 2) = [1 2], W (3, 2) = [[1 0] [0 1] [2 3]]: dL/dx =
  // column sums of W = (3, 4); dL/dW[o, i] = x[i] = [[1 2] [1 2] [1 2]]; dL/db = (1, 1, 1).
  const Tensor x = values({1, 2}, {1, 2}), W = values({1, 0, 0, 1, 2, 3}, {3, 2}),
               b = values({0, 0, 0}, {3});
  sum(linear(x, W, b)).backward();
  expect_equal("ex03 linear", "dx (1, 2)", x.grad(), {1, 2}, {3, 4}, 1e-15);
  expect_equal("ex03 linear", "dweight (3, 2)", W.grad(), {3, 2}, {1, 2, 1, 2, 1, 2}, 1e-15);
  expect_equal("ex03 linear", "dbias (3,)", b.grad(), {3}, {1, 1, 1}, 1e-15);
}

TEST_CASE("ex03 matmul and linear backward: a non-square product and a batch") {
  const auto product = [](const std::vector<Tensor>& in) { return matmul(in[0], in[1]); };
  check_gradients("ex03 matmul", product, {leaf({3, 5}, 4), leaf({5, 2}, 5)}, {"a", "b"});
  check_gradients("ex03 matmul", product, {leaf({2, 3, 4}, 6), leaf({4, 3}, 7)}, {"a", "b"});
  check_gradients("ex03 linear",
                  [](const std::vector<Tensor>& in) { return linear(in[0], in[1], in[2]); },
                  {leaf({2, 3, 5}, 8), leaf({4, 5}, 9), leaf({4}, 10)}, {"x", "weight", "bias"});
}

TEST_CASE("ex08 cross_entropy backward: values worked by hand") {
  // Two rows, mean over N = 2. Row 0: logits (0, 0), target 0: softmax (1/2, 1/2), so
  // (softmax - onehot) / N = (-1/4, 1/4). Row 1: logits (ln 3, 0), target 1: softmax (3/4, 1/4),
  // so (3/4, 1/4 - 1) / 2 = (3/8, -3/8). A third row, ignored, gets 0 and does not count in N.
  for (const DType dtype : {float64, float32}) {
    const std::string piece = dtype == float64 ? "ex08 cross_entropy" : "ex08 cross_entropy (float32)";
    const Tensor logits = values({0, 0, std::log(3.0), 0, 5, -5}, {3, 2}, dtype);
    cross_entropy(logits, {0, 1, -100}).backward();
    expect_equal(piece, "dlogits", logits.grad(), {3, 2}, {-0.25, 0.25, 0.375, -0.375, 0, 0},
                 dtype == float64 ? 1e-15 : 1e-7);
  }
  // Logits 1000 apart: softmax is (1, 0) to the last bit; before the mean over N = 2 rows the
  // gradient is (0, 0) for the right target and (1, -1) for the wrong one, so (0, 0) and
  // (1/2, -1/2); finite (no exp(1000) anywhere).
  const Tensor big = values({1000, 0, 1000, 0}, {2, 2});
  cross_entropy(big, {0, 1}).backward();
  expect_equal("ex08 cross_entropy", "dlogits (logits 1000 apart)", big.grad(), {2, 2},
               {0, 0, 0.5, -0.5}, 1e-15);
}

TEST_CASE("ex08 cross_entropy backward: a row ignored and large logits") {
  const std::vector<std::int64_t> targets = {2, -100, 0, 1};
  const auto loss = [&](const std::vector<Tensor>& in) { return cross_entropy(in[0], targets); };
  check_gradients("ex08 cross_entropy", loss, {leaf({4, 3}, 11)}, {"logits"});
  // Large logits: softmax saturates, the gradient stays finite and exact.
  check_gradients("ex08 cross_entropy", loss, {(leaf({4, 3}, 12) * 50.0).detach()}, {"logits"});
}

TEST_CASE("ex09 rms_norm backward: values worked by hand") {
  // x = (1, -1), so rms = sqrt(mean(x^2)) = 1 (eps = 0); weight (2, 3); dy = (1, 0).
  // dx_j = w_j dy_j / rms - x_j (sum_i dy_i w_i x_i) / (d rms^3) = (2, 0) - x_j 2 / 2 = (1, 1);
  // dweight_j = dy_j x_j / rms = (1, 0).
  for (const DType dtype : {float64, float32}) {
    const std::string piece = dtype == float64 ? "ex09 rms_norm" : "ex09 rms_norm (float32)";
    const Tensor x = values({1, -1}, {1, 2}, dtype), w = values({2, 3}, {2}, dtype);
    (rms_norm(x, w, 0.0) * tensor({1.0, 0.0}, {2}, float64).to(dtype)).sum().backward();
    expect_equal(piece, "dx", x.grad(), {1, 2}, {1, 1}, 1e-7);
    expect_equal(piece, "dweight", w.grad(), {2}, {1, 0}, 1e-7);
  }
}

TEST_CASE("ex09 rms_norm backward: rows of a batch") {
  check_gradients("ex09 rms_norm",
                  [](const std::vector<Tensor>& in) { return rms_norm(in[0], in[1], 1e-5); },
                  {leaf({2, 3, 6}, 13), leaf({6}, 14)}, {"x", "weight"});
  check_gradients("ex09 rms_norm",
                  [](const std::vector<Tensor>& in) { return rms_norm(in[0], in[1], 1e-5); },
                  {leaf({4, 1}, 24), leaf({1}, 25)}, {"x (d = 1)", "weight"});
}

TEST_CASE("ex12 attention backward: values worked by hand") {
  // One query q = (1), two keys both 0, values (1) and (3), d = 1, not causal: the scores are
  // both 0, so P = (1/2, 1/2) and out = 2. With dout = 1: dv_j = P_j = (1/2, 1/2);
  // dk_j = P_j (v_j - out) q / sqrt(d) = (-1/2, 1/2), where `- out` is softmax's row-sum term;
  // dq = sum_j P_j (v_j - out) k_j = 0.
  for (const DType dtype : {float64, float32}) {
    const std::string piece = dtype == float64 ? "ex12 attention" : "ex12 attention (float32)";
    const Tensor q = values({1}, {1, 1}, dtype), k = values({0, 0}, {2, 1}, dtype),
                 v = values({1, 3}, {2, 1}, dtype);
    sum(scaled_dot_product_attention(q, k, v, false)).backward();
    expect_equal(piece, "dv", v.grad(), {2, 1}, {0.5, 0.5}, 1e-7);
    expect_equal(piece, "dk", k.grad(), {2, 1}, {-0.5, 0.5}, 1e-7);
    expect_equal(piece, "dq", q.grad(), {1, 1}, {0}, 1e-7);
  }
}

TEST_CASE("ex12 attention backward: causal heads side by side and a non-square problem") {
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
  // Large scores (q and k times 6: scores up to ~100), where softmax saturates.
  check_gradients(
      "ex12 attention",
      [](const std::vector<Tensor>& in) {
        return scaled_dot_product_attention(in[0], in[1], in[2], true);
      },
      {(leaf({3, 4}, 26) * 6.0).detach(), (leaf({3, 4}, 27) * 6.0).detach(), leaf({3, 2}, 28)},
      {"q", "k", "v"});
}

TEST_CASE("ex11 AdamW: one step worked by hand") {
  // At t = 1 the bias corrections make m_hat = g and v_hat = g^2, so the step is lr g / (|g| +
  // eps), nearly lr sign(g). w = 0.5, g = 0.1, lr = 0.1, weight_decay = 0.01: decay first,
  // 0.5 - 0.1 * 0.01 * 0.5 = 0.4995; then 0.4995 - 0.1 * 0.1 / (0.1 + 1e-8) = 0.39950001.
  for (const DType dtype : {float64, float32}) {
    const Tensor p = values({0.5}, {1}, dtype);
    optim::AdamOptions o;
    o.lr = 0.1, o.weight_decay = 0.01;
    optim::AdamW opt(std::vector<Tensor>{p}, o);
    (p * 0.1).sum().backward();
    opt.step();
    expect_equal(dtype == float64 ? "ex11 AdamW" : "ex11 AdamW (float32)", "w after one step",
                 p.detach(), {1}, {0.4995 - 0.01 / (0.1 + 1e-8)}, dtype == float64 ? 1e-15 : 1e-7);
  }
}

TEST_CASE("ex11 Adam: one step with L2 decay worked by hand") {
  // Adam (not decoupled) adds the decay to the gradient instead of shrinking the weight:
  // g = 0.1 + 0.01 * 0.5 = 0.105, and at t = 1 the step is lr g / (|g| + eps), so
  // w = 0.5 - 0.1 * 0.105 / (0.105 + 1e-8) = 0.40000001 (AdamW gives 0.39950001).
  const Tensor p = values({0.5}, {1});
  optim::AdamOptions o;
  o.lr = 0.1, o.weight_decay = 0.01;
  optim::Adam opt(std::vector<Tensor>{p}, o);
  (p * 0.1).sum().backward();
  opt.step();
  expect_equal("ex11 Adam", "w after one step", p.detach(), {1},
               {0.5 - 0.1 * 0.105 / (0.105 + 1e-8)}, 1e-15);
}

TEST_CASE("ex11 AdamW: three steps equal torch.optim.AdamW's update worked in the test") {
  const std::vector<double> w0 = {0.5, -1.0, 2.0};
  const Tensor p = tensor(w0, {3}, float64).requires_grad_();
  optim::AdamOptions o;
  o.lr = 0.1, o.weight_decay = 0.01;
  optim::AdamW opt(std::vector<Tensor>{p}, o);
  std::vector<double> w = w0, m(3, 0.0), v(3, 0.0);
  for (int t = 1; t <= 3; ++t) {
    const std::vector<double> g = {0.3 * t, -0.2, 1.0 / t};
    p.zero_grad();
    (p * tensor(g, {3}, float64)).sum().backward();
    opt.step();
    for (std::size_t i = 0; i < 3; ++i) {  // decoupled decay, then Adam with bias correction
      w[i] -= o.lr * o.weight_decay * w[i];
      m[i] = o.beta1 * m[i] + (1 - o.beta1) * g[i];
      v[i] = o.beta2 * v[i] + (1 - o.beta2) * g[i] * g[i];
      const double mh = m[i] / (1 - std::pow(o.beta1, t)), vh = v[i] / (1 - std::pow(o.beta2, t));
      w[i] -= o.lr * mh / (std::sqrt(vh) + o.eps);
    }
    expect_equal("ex11 AdamW", "w after step " + std::to_string(t), p.detach(), {3}, w, 1e-13);
  }
}
