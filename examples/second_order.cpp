// examples/second_order.cpp — derivatives of derivatives at work, each taken by tapegrad's own
// tape recording its backward pass (docs/higher-order.md).
//
//   build/bin/second_order [--out DIR] [--seed S] [--penalty L]
//
// Part 1, the tape of a tape: y = x^3 at x = 2. grad(y, x, create_graph) leaves on the tape the
// forward's records and the backward's own; it prints them and draws them to DIR/tape_of_tape.svg
// (and .dot). Differentiating that gradient gives y'' = 6x = 12.
// Part 2, Newton's method against gradient descent: an L2-regularised logistic regression on
// the two moons with cubic features (10 weights). Each Newton step solves H d = -g with the
// Hessian taken by the tape (tg::hessian) and a backtracking line search; gradient descent steps
// by 1/L, L the largest curvature, found by power iteration on Hessian-vector products (tg::hvp).
// Loss per step printed and drawn: DIR/newton.svg.
// Part 3, a gradient penalty (double backpropagation, Drucker & LeCun 1992): the demo's network
// trained on cross-entropy + lambda * mean_i |d loss_i / d x_i|^2, against the same without. Both
// decision boundaries, side by side: DIR/gradient_penalty.svg; printed: the accuracy and the mean
// input-gradient norm of each.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "activations/activations.hpp"
#include "cli.hpp"
#include "core/formats/graphviz.hpp"
#include "moons.hpp"
#include "outputs.hpp"
#include "plot/svg.hpp"
#include "plot/tape_svg.hpp"

using namespace tg;

namespace {

const char* kUsage =
    "usage: second_order [--out DIR] [--seed S] [--penalty L]\n"
    "  --out DIR   where to write tape_of_tape.svg, tape_of_tape.dot, newton.svg and\n"
    "              gradient_penalty.svg (default tapegrad-out)\n"
    "  --seed S    seed for the data and the initial weights, 0..2^62 (default 0)\n"
    "  --penalty L the gradient penalty's weight lambda in part 3, 0..100 (default 0.05)\n";

std::string in(const std::string& dir, const std::string& file) {
  return (std::filesystem::path(dir) / file).string();
}

void tape_of_a_tape(const std::string& out) {
  std::cout << "== Part 1: the tape of a tape ==\n";
  const Tensor x = scalar(2.0, float64).requires_grad_().set_name("x");
  const Tensor x2 = (x * x).set_name("x^2");
  const Tensor y = (x2 * x).set_name("y");
  const std::size_t forward_records = current_tape().size();
  // The backward pass, recorded: dy/dx has a history made of the backward functions' own ops.
  const Tensor dy = grad({y}, {x}, {}, /*create_graph=*/true)[0].set_name("dy/dx");
  std::cout << "y = x^3 at x = 2: y = " << y.item() << ", dy/dx = 3x^2 = " << dy.item() << "\n"
            << "the tape: " << forward_records << " records of the forward pass, then "
            << current_tape().size() - forward_records << " the backward pass made:\n";
  std::size_t k = 0;
  for (const Record& r : current_tape().records())
    std::cout << "  " << (k++ < forward_records ? "forward  " : "backward ") << r.op << "\n";
  write_dot(current_tape(), in(out, "tape_of_tape.dot"));
  plot::write_tape_svg(current_tape(), "y = x^3 and the recorded backward pass giving dy/dx",
                       in(out, "tape_of_tape.svg"));
  const Tensor d2y = grad({dy}, {x})[0];  // the same walk, over the backward's records
  std::cout << "differentiated again: d2y/dx2 = 6x = " << d2y.item() << "\n"
            << "drew the tape to " << in(out, "tape_of_tape.svg") << " and "
            << in(out, "tape_of_tape.dot") << "\n\n";
  current_tape().clear();
}

// The cubic features of each point (x, y): 1, x, y, x^2, xy, y^2, x^3, x^2 y, x y^2, y^3.
Tensor cubic_features(const Tensor& X) {
  const std::int64_t n = X.size(0);
  Tensor F = zeros({n, 10}, float64);
  for (std::int64_t i = 0; i < n; ++i) {
    const double a = X.at({i, 0}), b = X.at({i, 1});
    const double row[10] = {1, a, b, a * a, a * b, b * b, a * a * a, a * a * b, a * b * b, b * b * b};
    for (std::int64_t j = 0; j < 10; ++j) F.set({i, j}, row[j]);
  }
  return F;
}

// Solves A d = r (A n x n, symmetric positive definite here) by Gaussian elimination with
// partial pivoting; A and r as row-major vectors.
std::vector<double> solve(std::vector<double> A, std::vector<double> r) {
  const std::size_t n = r.size();
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t p = c;
    for (std::size_t i = c + 1; i < n; ++i)
      if (std::abs(A[i * n + c]) > std::abs(A[p * n + c])) p = i;
    for (std::size_t j = 0; j < n; ++j) std::swap(A[c * n + j], A[p * n + j]);
    std::swap(r[c], r[p]);
    for (std::size_t i = c + 1; i < n; ++i) {
      const double f = A[i * n + c] / A[c * n + c];
      for (std::size_t j = c; j < n; ++j) A[i * n + j] -= f * A[c * n + j];
      r[i] -= f * r[c];
    }
  }
  std::vector<double> d(n);
  for (std::size_t i = n; i-- > 0;) {
    double s = r[i];
    for (std::size_t j = i + 1; j < n; ++j) s -= A[i * n + j] * d[j];
    d[i] = s / A[i * n + i];
  }
  return d;
}

void newton_against_gradient_descent(const Tensor& X, const std::vector<std::int64_t>& labels,
                                     const std::string& out) {
  std::cout << "== Part 2: Newton's method against gradient descent ==\n";
  const Tensor F = cubic_features(X);
  std::vector<double> t_values;
  for (std::int64_t v : labels) t_values.push_back(static_cast<double>(v));
  const Tensor t = tensor(t_values, {F.size(0), 1}, float64);
  const double l2 = 1e-2;
  // The mean logistic loss, log(1 + e^z) - t z with z = F w, plus l2/2 |w|^2: strictly convex.
  auto loss = [&](const Tensor& w) {
    const Tensor z = matmul(F, w.reshape({10, 1}));
    return mean(softplus(z) - t * z) + sum(w * w) * (l2 / 2);
  };
  const int steps = 40;
  std::vector<double> newton, descent;
  Tensor w = zeros({10}, float64);
  for (int s = 0; s <= steps; ++s) {
    Tensor leaf = w.detach().clone().requires_grad_();
    const Tensor L = loss(leaf);
    newton.push_back(L.item());
    const std::vector<double> g = grad({L}, {leaf})[0].to_vector();
    const std::vector<double> H = hessian(loss, w).to_vector();  // 11 backward passes
    std::vector<double> minus_g;
    for (double v : g) minus_g.push_back(-v);
    const Tensor d = tensor(solve(H, minus_g), {10}, float64);
    double step = 1, slope = 0;  // backtracking: halve until the loss falls enough (Armijo)
    for (std::size_t i = 0; i < g.size(); ++i) slope += g[i] * d.to_vector()[i];
    NoGradGuard no_grad;
    while (step > 1e-8 && loss(w + d * step).item() > L.item() + 1e-4 * step * slope) step /= 2;
    w = w + d * step;
  }
  // Gradient descent's step: 1/L, L the largest eigenvalue of the Hessian at w = 0, found by
  // power iteration on Hessian-vector products (tg::hvp). There sigma' = 1/4 is at its largest,
  // so L bounds the curvature everywhere and a step of 1/L never makes the loss rise.
  Tensor v = ones({10}, float64);
  double L = 0;
  for (int i = 0; i < 100; ++i) {
    const Tensor hv = hvp(loss, zeros({10}, float64), v);
    L = std::sqrt(sum(hv * hv).item());
    v = hv / L;
  }
  const double lr = 1 / L;
  std::printf("largest curvature L = %.4f (power iteration on tg::hvp): gradient descent's step "
              "1/L = %.4f\n", L, lr);
  w = zeros({10}, float64);
  for (int s = 0; s <= 40 * steps; ++s) {
    Tensor leaf = w.detach().clone().requires_grad_();
    const Tensor L = loss(leaf);
    descent.push_back(L.item());
    const Tensor g = grad({L}, {leaf})[0];
    w = w - g * lr;
  }
  const double best = newton.back();
  std::printf("step  newton loss        gradient descent loss\n");
  for (int s : {0, 1, 2, 3, 5, 8, 12, 20, 40})
    std::printf("%4d  %.12f  %.12f\n", s, newton[static_cast<std::size_t>(s)],
                descent[static_cast<std::size_t>(s)]);
  // Steps to within 1e-9 of the minimum. A Newton step costs 12 backward passes (the gradient;
  // the Hessian's own gradient with create_graph, then its 10 rows) and a 10 x 10 solve; a
  // gradient-descent step, one pass.
  auto steps_to = [best](const std::vector<double>& curve) {
    for (std::size_t s = 0; s < curve.size(); ++s)
      if (curve[s] - best < 1e-9) return static_cast<long>(s);
    return -1L;
  };
  std::printf("to within 1e-9 of the minimum: Newton %ld steps (%ld backward passes), gradient "
              "descent %ld steps (as many passes)\n",
              steps_to(newton), 12 * steps_to(newton), steps_to(descent));
  plot::Figure fig("Newton's method against gradient descent", 1, 1);
  plot::Panel& p = fig.add_panel("logistic regression, two moons", "step", "log10(loss - min)");
  for (auto [name, curve] : {std::pair{"Newton (Hessian by the tape)", &newton},
                             {"gradient descent, step 1/L", &descent}}) {
    std::vector<double> xs, ys;
    for (std::size_t s = 0; s < std::min<std::size_t>(curve->size(), 400); ++s)
      if ((*curve)[s] - best > 1e-15)
        xs.push_back(static_cast<double>(s)), ys.push_back(std::log10((*curve)[s] - best));
    p.add(name, xs, ys);
  }
  plot::write_svg(fig, in(out, "newton.svg"));
  std::cout << "drew the losses to " << in(out, "newton.svg") << "\n\n";
}

// The demo's 2 -> 16 -> 16 -> 2 network (tanh here: a penalty on the input gradient is felt
// through the activations' second derivatives), trained by gradient descent on the moons with
// the gradient penalty lambda * mean_i |d loss_i / d x_i|^2 added to the mean cross-entropy.
struct Trained {
  std::function<Tensor(const Tensor&)> forward;
  double accuracy, gradient_norm;
};

Trained train_with_penalty(const Tensor& X, const std::vector<std::int64_t>& labels,
                           double lambda, int steps, std::uint64_t seed) {
  Generator gen(seed + 1);
  auto parameter = [&](const Shape& shape, std::int64_t fan_in) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
    return uniform(shape, -bound, bound, gen).requires_grad_();
  };
  auto params = std::make_shared<std::vector<Tensor>>(std::vector<Tensor>{
      parameter({2, 16}, 2), parameter({16}, 2), parameter({16, 16}, 16), parameter({16}, 16),
      parameter({16, 2}, 16), parameter({2}, 16)});
  auto forward = [params](const Tensor& x) {
    const std::vector<Tensor>& p = *params;
    const Tensor h = tanh(matmul(tanh(matmul(x, p[0]) + p[1]), p[2]) + p[3]);
    return matmul(h, p[4]) + p[5];
  };
  const double n = static_cast<double>(labels.size());
  // The per-point input gradients d loss_i / d x_i: those of the summed loss, as each x_i
  // enters loss_i only. With create_graph they have a history, so the penalty trains.
  auto input_gradients = [&](const Tensor& x, bool create_graph) {
    const Tensor total = cross_entropy(forward(x), labels) * n;
    return grad({total}, {x}, {}, create_graph)[0];
  };
  for (int step = 1; step <= steps; ++step) {
    const Tensor x = X.detach().clone().requires_grad_();
    Tensor loss = cross_entropy(forward(x), labels);
    if (lambda > 0) {
      const Tensor g = input_gradients(x, /*create_graph=*/true);
      loss = loss + mean(sum(g * g, 1)) * lambda;
    }
    loss.backward();
    NoGradGuard no_grad;
    for (const Tensor& p : *params) {
      add_(p, p.grad() * -0.25);
      p.zero_grad();
    }
    current_tape().clear();  // the points' own leaf and what is left of its graph
  }
  const Tensor x = X.detach().clone().requires_grad_();
  const Tensor g = input_gradients(x, false);
  double norms = 0;
  for (std::int64_t i = 0; i < g.size(0); ++i)
    norms += std::hypot(g.at({i, 0}), g.at({i, 1}));
  NoGradGuard no_grad;
  const std::vector<std::int64_t> predicted = argmax(forward(X), 1);
  double correct = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) correct += predicted[i] == labels[i];
  return {forward, 100 * correct / n, norms / n};
}

void gradient_penalty(const Tensor& X, const std::vector<std::int64_t>& labels, std::uint64_t seed,
                      double penalty, const std::string& out) {
  std::cout << "== Part 3: a gradient penalty (double backpropagation) ==\n";
  plot::Figure fig("Two moons, without and with a gradient penalty (shaded: class 1)", 1, 2);
  fig.panel_width = 380, fig.panel_height = 280;
  for (double lambda : {0.0, penalty}) {
    const Trained t = train_with_penalty(X, labels, lambda, 1200, seed);
    std::printf("lambda %.2f: accuracy %.1f%%, mean |d loss_i / d x_i| %.3f\n", lambda, t.accuracy,
                t.gradient_norm);
    char title[96];
    std::snprintf(title, sizeof title, "lambda %.2f: %.1f%%, mean |dloss/dx| %.3f", lambda,
                  t.accuracy, t.gradient_norm);
    fig.panels.push_back(moons::boundary_panel(t.forward, X, labels, title, lambda == 0));
  }
  plot::write_svg(fig, in(out, "gradient_penalty.svg"));
  std::cout << "drew both decision boundaries to " << in(out, "gradient_penalty.svg") << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  cli::Flags flags("second_order", kUsage);  // every flag checked here, before any work
  flags.add("out", "tapegrad-out");
  flags.add("seed", "0");
  flags.add("penalty", "0.05");
  flags.parse(argc, argv);
  const std::string out = flags.text("out");
  const auto seed = static_cast<std::uint64_t>(flags.integer("seed", 0, 1LL << 62));
  const double penalty = flags.real("penalty", 0, 100);
  return cli::run_main("second_order", [&] {
    outputs::prepare_dir(out, "--out");
    tape_of_a_tape(out);
    Generator gen(seed);
    Tensor X;
    std::vector<std::int64_t> labels;
    moons::two_moons(100, gen, X, labels);
    newton_against_gradient_descent(X, labels, out);
    gradient_penalty(X, labels, seed, penalty, out);
    return 0;
  });
}
