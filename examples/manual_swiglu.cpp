// examples/manual_swiglu.cpp — a SwiGLU FFN written out by hand, forward and backward, with no
// tape, trained side by side with the tape version from the same initial weights.
//
//   build/bin/manual_swiglu [--steps N] [--seed S]
//
// The hand-written half is what teaching material does in NumPy: explicit loops for
//   a = x W^T,  b = x V^T,  s = sigma(a),  u = a s (the swish gate),  m = u * b,  y = m Wo^T
// and the chain rule backwards through each line (derived in docs/gated-ffn.md). Each step
// prints the largest difference between the two versions in the output, in every gradient and in
// the weights after the SGD update; in float64 they must stay at rounding level (~1e-15).
//
// Then it compares output statistics of a SwiGLU FFN and a GELU FFN with the same number of
// parameters, on the same random input.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "cli.hpp"
#include "core/tapegrad.hpp"
#include "layers/ffn.hpp"

using namespace tg;

namespace {

using Matrix = std::vector<double>;  // row-major

// out (n x m) = a (n x k) times b^T, with b (m x k): every row of a dotted with every row of b.
Matrix times_transposed(const Matrix& a, const Matrix& b, int n, int k, int m) {
  Matrix out(static_cast<std::size_t>(n * m), 0.0);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < m; ++j)
      for (int p = 0; p < k; ++p) out[i * m + j] += a[i * k + p] * b[j * k + p];
  return out;
}

// out (m x k) = a^T (m x n) times b (n x k), with a (n x m): the weight-gradient shape.
Matrix transposed_times(const Matrix& a, const Matrix& b, int n, int m, int k) {
  Matrix out(static_cast<std::size_t>(m * k), 0.0);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < m; ++j)
      for (int p = 0; p < k; ++p) out[j * k + p] += a[i * m + j] * b[i * k + p];
  return out;
}

// out (n x k) = a (n x m) times b (m x k).
Matrix times(const Matrix& a, const Matrix& b, int n, int m, int k) {
  Matrix out(static_cast<std::size_t>(n * k), 0.0);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < m; ++j)
      for (int p = 0; p < k; ++p) out[i * k + p] += a[i * m + j] * b[j * k + p];
  return out;
}

double sigma(double v) {
  return v >= 0 ? 1 / (1 + std::exp(-v)) : std::exp(v) / (1 + std::exp(v));
}

struct ManualSwiGLU {
  int d, h;
  Matrix W, V, Wo;     // (h,d), (h,d), (d,h): gate_proj, up_proj, down_proj
  Matrix dW, dV, dWo;  // their gradients

  // Mean squared error of the block on x (n x d) against target; fills the gradients.
  Matrix forward_backward(const Matrix& x, const Matrix& target, int n, double& loss) {
    const Matrix a = times_transposed(x, W, n, d, h);  // gate pre-activation (n,h)
    const Matrix b = times_transposed(x, V, n, d, h);  // value (n,h)
    Matrix s(a.size()), u(a.size()), m(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      s[i] = sigma(a[i]);
      u[i] = a[i] * s[i];  // swish(a)
      m[i] = u[i] * b[i];  // gated hidden
    }
    const Matrix y = times_transposed(m, Wo, n, h, d);  // (n,d)
    loss = 0;
    Matrix dy(y.size());
    for (std::size_t i = 0; i < y.size(); ++i) {
      const double e = y[i] - target[i];
      loss += e * e / static_cast<double>(y.size());
      dy[i] = 2 * e / static_cast<double>(y.size());  // d mean(e^2) / dy
    }
    dWo = transposed_times(dy, m, n, d, h);    // (d,h) = dy^T m
    const Matrix dm = times(dy, Wo, n, d, h);  // (n,h) = dy Wo
    Matrix da(a.size()), db(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      db[i] = dm[i] * u[i];  // m = u b
      const double du = dm[i] * b[i];
      da[i] = du * (s[i] + a[i] * s[i] * (1 - s[i]));  // swish'(a)
    }
    dW = transposed_times(da, x, n, h, d);  // (h,d) = da^T x
    dV = transposed_times(db, x, n, h, d);
    return y;
  }

  void sgd(double lr) {
    for (std::size_t i = 0; i < W.size(); ++i) W[i] -= lr * dW[i], V[i] -= lr * dV[i];
    for (std::size_t i = 0; i < Wo.size(); ++i) Wo[i] -= lr * dWo[i];
  }
};

double max_diff(const Matrix& a, const Tensor& b) {
  const std::vector<double> v = b.to_vector();
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - v[i]));
  return m;
}

void mean_std(const Tensor& t, double& mean, double& std) {
  const std::vector<double> v = t.to_vector();
  mean = 0;
  for (double e : v) mean += e / static_cast<double>(v.size());
  double var = 0;
  for (double e : v) var += (e - mean) * (e - mean) / static_cast<double>(v.size());
  std = std::sqrt(var);
}

// A difference as printed: below 1e-14 it is rounding (float64 keeps about 16 digits), and the
// exact value of rounding depends on the compiler's choices (fused multiply-adds, the kernel's
// blocking), so it prints as "<1e-14" and the output is the same with every build.
std::string shown(double difference) {
  if (difference < 1e-14) return "<1e-14";
  char text[32];
  std::snprintf(text, sizeof text, "%.1e", difference);
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  cli::Flags flags("manual_swiglu",
                   "usage: manual_swiglu [--steps N] [--seed S]\n"
                   "  --steps N  SGD steps, 1..1000 (default 5)\n"
                   "  --seed S   seed for weights and data (default 0)\n");
  flags.add("steps", "5");
  flags.add("seed", "0");
  flags.parse(argc, argv);
  const auto steps = flags.integer("steps", 1, 1000);
  const auto seed = static_cast<std::uint64_t>(flags.integer("seed", 0, 1LL << 62));
  return cli::run_main("manual_swiglu", [&] {  // any failure: one line, exit 1 (cli.hpp)
    const int d = 8, h = 16, n = 32;
    Generator gen(seed);
    nn::FFNOptions o;
    o.d_model = d;
    o.hidden = h;
    o.kind = nn::FFNKind::SwiGLU;
    o.dtype = float64;
    nn::FFN tape_ffn(o, gen);
    ManualSwiGLU manual{d,
                        h,
                        tape_ffn.gate_proj->weight.to_vector(),
                        tape_ffn.up_proj->weight.to_vector(),
                        tape_ffn.down_proj->weight.to_vector(),
                        {},
                        {},
                        {}};
    const Tensor x = randn({n, d}, gen, float64), target = randn({n, d}, gen, float64);
    const double lr = 0.1;

    std::printf(
        "SwiGLU FFN (d=%d, hidden=%d, %d rows), hand-written vs tape, float64, SGD lr=%.1f\n", d, h,
        n, lr);
    std::printf("%4s %12s %10s %10s %10s %10s %10s\n", "step", "loss", "|dy|max", "|dW|max",
                "|dV|max", "|dWo|max", "|w|max");
    double worst = 0;
    for (std::int64_t step = 1; step <= steps; ++step) {
      double manual_loss = 0;
      const Matrix y_manual =
          manual.forward_backward(x.to_vector(), target.to_vector(), n, manual_loss);
      const Tensor y = tape_ffn(x);
      Tensor loss = mean(pow(y - target, 2.0));
      loss.backward();
      const double dy = max_diff(y_manual, y);
      const double dw = max_diff(manual.dW, tape_ffn.gate_proj->weight.grad());
      const double dv = max_diff(manual.dV, tape_ffn.up_proj->weight.grad());
      const double dwo = max_diff(manual.dWo, tape_ffn.down_proj->weight.grad());
      manual.sgd(lr);
      {
        NoGradGuard no_grad;
        for (const Tensor& p : tape_ffn.parameters()) add_(p, p.grad() * -lr);
        tape_ffn.zero_grad();
      }
      const double weights = std::max({max_diff(manual.W, tape_ffn.gate_proj->weight),
                                       max_diff(manual.V, tape_ffn.up_proj->weight),
                                       max_diff(manual.Wo, tape_ffn.down_proj->weight)});
      worst = std::max({worst, dy, dw, dv, dwo, weights, std::abs(manual_loss - loss.item())});
      std::printf("%4lld %12.8f %10s %10s %10s %10s %10s\n", static_cast<long long>(step),
                  loss.item(), shown(dy).c_str(), shown(dw).c_str(), shown(dv).c_str(),
                  shown(dwo).c_str(), shown(weights).c_str());
    }
    std::printf(
        "largest difference over all steps: %s (%s)\n\n", shown(worst).c_str(),
        worst < 1e-12 ? "rounding level: the tape computes the same derivatives" : "TOO LARGE");

    // Output statistics at equal parameter count: SwiGLU with hidden h has 3dh parameters; a GELU
    // FFN with hidden 3h/2 has 2d(3h/2) = 3dh.
    const int wide_d = 64, gated_h = 176;
    nn::FFNOptions sw;
    sw.d_model = wide_d;
    sw.hidden = gated_h;
    sw.kind = nn::FFNKind::SwiGLU;
    nn::FFNOptions ge = sw;
    ge.kind = nn::FFNKind::GELU;
    ge.hidden = gated_h * 3 / 2;
    Generator g2(seed + 1);
    nn::FFN swiglu_ffn(sw, g2), gelu_ffn(ge, g2);
    const Tensor input = randn({1024, wide_d}, g2);
    NoGradGuard no_grad;
    double m1, s1, m2, s2;
    mean_std(swiglu_ffn(input), m1, s1);
    mean_std(gelu_ffn(input), m2, s2);
    std::printf("outputs on the same N(0,1) input, 1024 tokens, d=%d, PyTorch-default init:\n",
                wide_d);
    std::printf("  swiglu hidden %3d  params %6lld  mean %+.4f  std %.4f\n", gated_h,
                static_cast<long long>(swiglu_ffn.num_parameters()), m1, s1);
    std::printf("  gelu   hidden %3d  params %6lld  mean %+.4f  std %.4f\n", gated_h * 3 / 2,
                static_cast<long long>(gelu_ffn.num_parameters()), m2, s2);
    return worst < 1e-12 ? 0 : 1;
  });
}
