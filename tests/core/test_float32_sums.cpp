// float32 reductions: every sum accumulates in double and rounds once, so long sums neither drift
// nor stall (issue: "float32 reductions drift and stall"). A float32 running sum has 24 bits: a
// million terms of 1/255 came to 3909.23 (right: 3921.569), and a sum of 2^25 ones stopped at
// 2^24 = 16777216. Each case below is a different reduction that used such a sum: forward and
// backward, the reference and the packed matmul kernels.
#include <cmath>
#include <limits>

#include "core/fast/activated_linear.hpp"
#include "activations/activations.hpp"
#include "helpers.hpp"
#include "layers/norms.hpp"

using namespace tg;
using namespace tg::testing;

namespace {
constexpr std::int64_t kMillion = 1000000;
const double kTerm = static_cast<float>(1.0 / 255);  // the float32 term, exactly
const double kRight = kTerm * kMillion;               // 3921.5688..., the sum in exact arithmetic

void check_relative(double got, double expected, double tol = 1e-6) {
  INFO("got " << got << ", expected " << expected);
  CHECK(std::abs(got - expected) <= tol * std::abs(expected));
}
void check_all_relative(const Tensor& t, double expected) {
  for (double v : t.to_vector()) check_relative(v, expected);
}
}  // namespace

TEST_CASE("float32 sum and mean over everything do not drift or stall") {
  check_relative(sum(full({kMillion}, 1.0 / 255)).item(), kRight);
  check_relative(sum(full({kMillion}, 1.0 / 255)).item(), 3921.5686, 1e-6);  // PyTorch's figure
  const Tensor ones_2_25 = ones({std::int64_t{1} << 25});
  CHECK(sum(ones_2_25).item() == 33554432.0);
  CHECK(mean(ones_2_25).item() == 1.0);
  check_relative(mean(full({kMillion}, 1.0 / 255)).item(), kTerm);
}

TEST_CASE("float32 sum and mean over an axis do not drift, whichever axis") {
  check_all_relative(sum(full({kMillion, 2}, 1.0 / 255), 0), kRight);
  check_all_relative(sum(full({2, kMillion}, 1.0 / 255), 1), kRight);
  check_all_relative(sum(full({2, kMillion, 1}, 1.0 / 255), 1, true), kRight);
  check_all_relative(mean(full({3, kMillion}, 1.0 / 255), -1), kTerm);
}

TEST_CASE("float32 gradients summed back over a broadcast do not drift") {
  // d/db of sum(g * (x + b)) with b broadcast over a million rows is the sum of g.
  const Tensor x = zeros({kMillion, 1});
  Tensor b = zeros({1});
  b.requires_grad_();
  (x + b).backward(full({kMillion, 1}, 1.0 / 255));
  check_all_relative(b.grad(), kRight);
  // expand's backward is the same sum.
  Tensor c = zeros({1});
  c.requires_grad_();
  expand(c, {kMillion}).backward(full({kMillion}, 1.0 / 255));
  check_all_relative(c.grad(), kRight);
  // And a learnable swish beta, shared by every element.
  Tensor beta = scalar(1.0);
  beta.requires_grad_();
  const Tensor big = full({kMillion}, 1e-3);
  swish(big, beta).backward(full({kMillion}, 1.0 / 255));
  // d/dbeta = sum g x^2 s(1-s), s = sigmoid(1e-3 * 1e-3) ~ 1/2: each term 1e-6 / 4 / 255.
  const double s = 1.0 / (1.0 + std::exp(-1e-6));
  check_all_relative(beta.grad(), kMillion * kTerm * 1e-6 * s * (1 - s));
}

TEST_CASE("float32 linear's bias gradient (and the fused down projection's) do not drift") {
  const Tensor x = zeros({kMillion, 1});
  Tensor w = ones({1, 1}), bias = zeros({1});
  w.requires_grad_();
  bias.requires_grad_();
  linear(x, w, bias).backward(full({kMillion, 1}, 1.0 / 255));
  check_all_relative(bias.grad(), kRight);
  bias.zero_grad();
  fast::activated_linear(x, Tensor(), w, bias, GateActivation::ReLU)
      .backward(full({kMillion, 1}, 1.0 / 255));
  check_all_relative(bias.grad(), kRight);
}

TEST_CASE("float32 norms: weight gradients and LayerNorm's row statistics do not drift") {
  // RMSNorm over rows of one feature x = 1 (eps 0): y = w, so dw = sum of g.
  Tensor w = ones({1});
  w.requires_grad_();
  rms_norm(ones({kMillion, 1}), w, 0.0).backward(full({kMillion, 1}, 1.0 / 255));
  check_all_relative(w.grad(), kRight);
  // LayerNorm over rows (1, -1): normalised (1, -1), so dw_j = sum of g_j xhat_j.
  Tensor lw = ones({2}), lb = zeros({2});
  lw.requires_grad_();
  lb.requires_grad_();
  Tensor rows = zeros({kMillion, 2});
  for (std::int64_t n = 0; n < kMillion; ++n) {
    rows.data<float>()[2 * n] = 1;
    rows.data<float>()[2 * n + 1] = -1;
  }
  nn::layer_norm(rows, lw, lb, 0.0).backward(full({kMillion, 2}, 1.0 / 255));
  check_values(lw.grad(), {kRight, -kRight}, kRight * 1e-6);
  check_all_relative(lb.grad(), kRight);
  // A long row with a large mean: its mean (and so the centred values) must not drift.
  Tensor shifted = full({1, kMillion}, 1000.0 + 1.0 / 255);
  shifted.set({0, 0}, 1000.0 + 2.0 / 255);  // one element above the rest
  const Tensor mu = mean(shifted, -1, true);
  check_relative(mu.item(), static_cast<float>(1000.0 + 1.0 / 255), 1e-7);
}

TEST_CASE("float32 softmax over 2^25 equal logits gives 2^-25 each (its sum did not stall)") {
  // (A float32 running sum of the exps stalls at 2^24, which gave 2^-24 each: twice too much.)
  const Tensor y = softmax(zeros({std::int64_t{1} << 25}));
  check_relative(y.data<float>()[0], std::ldexp(1.0, -25));
  check_relative(y.data<float>()[(std::int64_t{1} << 25) - 1], std::ldexp(1.0, -25));
}

TEST_CASE("float32 embedding and gather gradients: a row picked a million times") {
  Tensor table = zeros({3, 1});
  table.requires_grad_();
  const std::vector<std::int64_t> index(kMillion, 1);
  index_select(table, 0, index).backward(full({kMillion, 1}, 1.0 / 255));
  check_values(table.grad(), {0, kRight, 0}, kRight * 1e-6);
  Tensor row = zeros({1, 2});
  row.requires_grad_();
  gather(row, 1, index, {1, kMillion}).backward(full({1, kMillion}, 1.0 / 255));
  check_values(row.grad(), {0, kRight}, kRight * 1e-6);
}

TEST_CASE("float32 matmul over a long inner dimension: the reference kernel to 1e-6, packed 1e-4") {
  const Tensor a = full({1, kMillion}, 1.0 / 255), b = ones({kMillion, 1});
  double reference = 0, packed = 0;
  {
    fast::Scope readable(false);
    reference = matmul(a, b).item();
  }
  {
    fast::Scope fast_floor(true);
    packed = matmul(a, b).item();
  }
  check_relative(reference, kRight);
  // The packed kernel (the fast one) sums 192-deep slices in float32 registers and adds slice
  // to slice in float32 (blocked summation, as BLAS libraries do): its error grows with about
  // 192 + K / 192 roundings rather than K. Measured here: 1.4e-5 at K = 10^6 (docs/promises.md).
  check_relative(packed, kRight, 1e-4);
}
