// examples/demo.cpp — the first program to run: a derivative on a tape, then a small network
// learning a 2-D dataset, both with nothing but core/.
//
//   build/bin/demo [--out DIR] [--steps N] [--seed S]
//
// Part 1 is the worked example of docs/tape.md: L = (a*b + a)^2 at a = 2, b = -3. It prints the
// tape, the gradients (check them by hand: dL/da = 16, dL/db = -16) and draws the graph:
// DIR/tape.svg (examples/plot/tape_svg.hpp) and DIR/tape.dot, the same graph as Graphviz DOT.
// Part 2 trains a 2 -> 16 -> 16 -> 2 multilayer perceptron on "two moons" with plain gradient
// descent, printing the loss as it falls and the final accuracy, and draws how it splits the plane
// as it learns: DIR/decision_boundary.svg, four snapshots (steps 1, N/16, N/4 and N) of the region
// it calls class 1, shaded, under the points. The README's figure is made with
// `build/bin/demo --out docs/images`.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iomanip>
#include <iostream>
#include <numbers>
#include <string>

#include "cli.hpp"
#include "moons.hpp"
#include "core/tapegrad.hpp"
#include "outputs.hpp"
#include "plot/svg.hpp"
#include "plot/tape_svg.hpp"

using namespace tg;

namespace {

struct Options {
  std::string out = "tapegrad-out";
  int steps = 400;
  std::uint64_t seed = 0;
};

const char* kUsage =
    "usage: demo [--out DIR] [--steps N] [--seed S]\n"
    "  --out DIR   where to write tape.svg, tape.dot and decision_boundary.svg (default\n"
    "              tapegrad-out)\n"
    "  --steps N   training steps for the network, 1..100000 (default 400)\n"
    "  --seed S    seed for the data and the initial weights, 0..2^62 (default 0)\n";

void worked_example(const std::string& out_dir) {
  std::cout << "== Part 1: a derivative on a tape ==\n";
  Tensor a = scalar(2.0, float64).requires_grad_().set_name("a");
  Tensor b = scalar(-3.0, float64).requires_grad_().set_name("b");
  Tensor c = (a * b).set_name("c");
  Tensor d = (c + a).set_name("d");
  Tensor L = (d * d).set_name("L");
  std::cout << "L = (a*b + a)^2 = " << L.item() << "  with a = 2, b = -3\n";
  std::cout << "the tape, in execution order:\n";
  for (const Record& r : current_tape().records()) {
    std::cout << "  " << std::setw(4) << r.op << "(";
    for (std::size_t i = 0; i < r.inputs.size(); ++i)
      std::cout << (i ? ", " : "") << (r.inputs[i].name().empty() ? "?" : r.inputs[i].name());
    std::cout << ") -> " << r.output.name() << "\n";
  }
  L.backward({}, /*retain_graph=*/true);  // keep the records so the DOT shows the gradients
  std::cout << "backward walks it in reverse:\n"
            << "  dL/dd = 2d = " << d.grad().item() << "\n"
            << "  dL/dc = dL/dd = " << c.grad().item() << "\n"
            << "  dL/da = dL/dc * b + dL/dd = " << a.grad().item() << "   (a is used twice: +=)\n"
            << "  dL/db = dL/dc * a = " << b.grad().item() << "\n";
  const std::string path = (std::filesystem::path(out_dir) / "tape.dot").string();
  const std::string picture = (std::filesystem::path(out_dir) / "tape.svg").string();
  write_dot(current_tape(), path);
  plot::write_tape_svg(current_tape(), "The tape of L = (a*b + a)^2, after backward", picture);
  current_tape().clear();
  std::cout << "wrote the graph to " << picture << " (open it in a browser) and to " << path
            << " (Graphviz: dot -Tsvg " << path << " -o tape-dot.svg)\n\n";
}

// A fresh weight leaf drawn from U(-1/sqrt(fan_in), 1/sqrt(fan_in)), as PyTorch's Linear does.
Tensor parameter(const Shape& shape, std::int64_t fan_in, Generator& gen) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
  Tensor t = uniform(shape, -bound, bound, gen);
  t.requires_grad_();
  return t;
}

void train_mlp(const Options& options) {
  std::cout << "== Part 2: a small network learns two moons ==\n";
  Generator gen(options.seed);
  Tensor X;
  std::vector<std::int64_t> y;
  moons::two_moons(100, gen, X, y);
  const std::vector<Tensor> params = {parameter({2, 16}, 2, gen),   parameter({16}, 2, gen),
                                      parameter({16, 16}, 16, gen), parameter({16}, 16, gen),
                                      parameter({16, 2}, 16, gen),  parameter({2}, 16, gen)};
  // relu(x) = max(x, 0) written with clamp; activations/ has the real one.
  auto forward = [&](const Tensor& x) {
    Tensor h = clamp(matmul(x, params[0]) + params[1], 0.0);
    h = clamp(matmul(h, params[2]) + params[3], 0.0);
    return matmul(h, params[4]) + params[5];  // logits, (N, 2)
  };
  const double learning_rate = 0.5;
  double first_loss = 0, loss_value = 0;
  // The snapshots: after steps 1, N/16, N/4 and N (fewer when N is small).
  std::vector<int> snapshots;
  for (int s : {1, options.steps / 16, options.steps / 4, options.steps})
    if (s >= 1 && (snapshots.empty() || s > snapshots.back())) snapshots.push_back(s);
  plot::Figure figure("demo: the network's decision boundary as it learns (shaded: class 1)", 1,
                      static_cast<int>(snapshots.size()));
  figure.panel_width = 320, figure.panel_height = 250;
  for (int step = 1; step <= options.steps; ++step) {
    Tensor loss = cross_entropy(forward(X), y);
    loss.backward();
    {
      NoGradGuard no_grad;  // the update itself must not be recorded
      for (const Tensor& p : params) {
        add_(p, p.grad() * -learning_rate);  // p -= lr * dloss/dp
        p.zero_grad();
      }
    }
    loss_value = loss.item();
    if (step == 1) first_loss = loss_value;
    if (std::find(snapshots.begin(), snapshots.end(), step) != snapshots.end()) {
      char title[64];
      std::snprintf(title, sizeof title, "after step %d (loss %.3f)", step, loss_value);
      figure.panels.push_back(moons::boundary_panel(forward, X, y, title, figure.panels.empty()));
    }
    if (step == 1 || step % 50 == 0 || step == options.steps)
      std::cout << "step " << std::setw(5) << step << "  loss " << std::fixed
                << std::setprecision(4) << loss_value << "\n";
  }
  NoGradGuard no_grad;
  const std::vector<std::int64_t> predicted = argmax(forward(X), 1);
  std::int64_t correct = 0;
  for (std::size_t i = 0; i < y.size(); ++i) correct += predicted[i] == y[i];
  std::cout << "loss " << first_loss << " -> " << loss_value << ", accuracy "
            << std::setprecision(1)
            << 100.0 * static_cast<double>(correct) / static_cast<double>(y.size()) << "% on "
            << y.size() << " points\n";
  const std::string path = (std::filesystem::path(options.out) / "decision_boundary.svg").string();
  plot::write_svg(figure, path);
  std::cout << "drew the decision boundary at steps";
  for (int s : snapshots) std::cout << " " << s;
  std::cout << " into " << path << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  cli::Flags flags("demo", kUsage);  // every flag checked here, before any work (cli.hpp)
  flags.add("out", "tapegrad-out");
  flags.add("steps", "400");
  flags.add("seed", "0");
  flags.parse(argc, argv);
  Options options;
  options.out = flags.text("out");
  options.steps = static_cast<int>(flags.integer("steps", 1, 100000));
  options.seed = static_cast<std::uint64_t>(flags.integer("seed", 0, 1LL << 62));
  return cli::run_main("demo", [&] {
    outputs::prepare_dir(options.out, "--out");  // tape.dot goes there: can it?
    worked_example(options.out);
    train_mlp(options);
    return 0;
  });
}
