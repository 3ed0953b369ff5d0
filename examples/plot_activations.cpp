// examples/plot_activations.cpp — draws the activations and their derivatives, the derivatives
// taken by the tape, as SVG figures, CSV files and terminal plots.
//
//   build/bin/plot_activations [--out DIR] [--range A,B] [--beta LIST] [--ascii] [--no-terminal]
//
// Writes into DIR (default tapegrad-out/plots):
//   activations.svg  4x2: relu, leaky_relu, softplus, gelu, swish and their derivatives by
//                    backward with the closed forms as dots on top; sigmoid and tanh, the same;
//                    the gap between GELU's exact and tanh forms; SwiGLU's gating on one unit;
//                    its output x^2 sigma(x) for x <= 0 (the bump); f'' of gelu, swish,
//                    softplus, tanh and x*swish(x) by the tape twice, closed forms as dots
//   glu_family.svg   GLU, Bilinear, ReGLU, GEGLU, SwiGLU on a 1-D slice (W = V = 1), and their
//                    derivatives
//   one CSV per panel: activations_{values,derivatives,squashing,squashing_derivatives,gelu_gap,
//   swiglu_unit,swiglu_bump,second_derivatives}.csv and glu_family_{values,derivatives}.csv
// and prints the largest gap between the GELU forms and the top of the bump.
// It also prints terminal plots of the main panels (braille, or --ascii; colored on a terminal).
// The docs' figures are made with: build/bin/plot_activations --out docs/images --no-terminal
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "activation_curves.hpp"
#include "cli.hpp"
#include "outputs.hpp"
#include "plot/csv.hpp"
#include "plot/svg.hpp"
#include "plot/terminal.hpp"

using namespace tg;

namespace {

const char* kUsage =
    "usage: plot_activations [--out DIR] [--range A,B] [--beta LIST] [--ascii] [--no-terminal]\n"
    "  --out DIR      where to write the SVG and CSV files (default tapegrad-out/plots)\n"
    "  --range A,B    the x range, A < B, both within +-1000 (default -4,4)\n"
    "  --beta LIST    swish betas to draw, comma-separated, each in (0, 100] (default 0.5,1,2)\n"
    "  --ascii        terminal plots in plain ASCII instead of Unicode braille\n"
    "  --no-terminal  write the files only\n";

// Parses "a,b,c" into numbers; false on anything else.
bool parse_list(const std::string& text, std::vector<double>& out) {
  out.clear();
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    char* end = nullptr;
    const double v = std::strtod(item.c_str(), &end);
    if (item.empty() || end != item.c_str() + item.size() || !std::isfinite(v)) return false;
    out.push_back(v);
  }
  return !out.empty() && text.back() != ',';
}

// The derivative by backward (a line), with the closed form on top of it as dots of the same
// color every tenth point, so that both stay visible where they agree (which is everywhere). The
// dots have their own CSV column, "<name> closed form", and no legend entry.
void add_derivatives(plot::Panel& panel, const std::vector<const curves::Curve*>& cs) {
  for (std::size_t i = 0; i < cs.size(); ++i) {
    panel.add(cs[i]->name, cs[i]->x, cs[i]->dy_backward).color = static_cast<int>(i);
    plot::Series& closed = panel.add(cs[i]->name + " closed form", cs[i]->x, cs[i]->dy_closed);
    closed.color = static_cast<int>(i);
    closed.line = false;
    closed.markers = true;
    closed.marker_every = 10;
    closed.legend = false;
  }
}

// The curves among cs whose name passes keep, in order.
template <class Keep>
std::vector<const curves::Curve*> pick(const std::vector<curves::Curve>& cs, Keep keep) {
  std::vector<const curves::Curve*> out;
  for (const curves::Curve& c : cs)
    if (keep(c.name)) out.push_back(&c);
  return out;
}
const curves::Curve& named(const std::vector<curves::Curve>& cs, const std::string& name) {
  for (const curves::Curve& c : cs)
    if (c.name == name) return c;
  throw std::logic_error("plot_activations: no curve named " + name);
}

// Writes NAME.svg and NAME_PANEL.csv for each panel into dir; prints each path.
void save(const plot::Figure& fig, const std::string& name,
          const std::vector<std::string>& panel_names, const std::filesystem::path& dir) {
  const std::string svg = (dir / (name + ".svg")).string();
  plot::write_svg(fig, svg);
  std::cout << "wrote " << svg << "\n";
  for (std::size_t i = 0; i < fig.panels.size(); ++i) {
    const std::string csv = (dir / (name + "_" + panel_names.at(i) + ".csv")).string();
    plot::write_csv(fig.panels[i], csv);
    std::cout << "wrote " << csv << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  cli::Flags flags("plot_activations", kUsage);
  flags.add("out", "tapegrad-out/plots");
  flags.add("range", "-4,4");
  flags.add("beta", "0.5,1,2");
  flags.add_switch("ascii");
  flags.add_switch("no-terminal");
  flags.parse(argc, argv);
  if (flags.on("ascii") && flags.on("no-terminal"))  // a flag that would do nothing is refused
    flags.error("--ascii shapes the terminal plots, which --no-terminal turns off");
  std::vector<double> range, betas;
  if (!parse_list(flags.text("range"), range) || range.size() != 2 || !(range[0] < range[1]) ||
      std::abs(range[0]) > 1000 || std::abs(range[1]) > 1000)
    flags.error("--range must be two numbers A,B with A < B, both within +-1000, got '" +
                flags.text("range") + "'");
  if (!parse_list(flags.text("beta"), betas) || betas.size() > 6)
    flags.error("--beta must be 1 to 6 comma-separated numbers, got '" + flags.text("beta") + "'");
  for (double b : betas)
    if (!(b > 0 && b <= 100))
      flags.error("--beta values must be in (0, 100], got '" + flags.text("beta") + "'");

  return cli::run_main("plot_activations", [&] {
    const std::filesystem::path dir = flags.text("out");
    outputs::prepare_dir(dir.string(), "--out");  // before drawing anything
    const std::vector<double> x = curves::grid(range[0], range[1], 401);
    const std::vector<curves::Curve> acts = curves::activation_curves(x, betas);

    plot::Figure fig("Activations and their derivatives", 4, 2);
    // The rectifier-like functions, then the two squashing ones, each with its derivatives.
    const auto rectifiers = pick(acts, [](const std::string& n) {
      return n != "sigmoid" && n != "tanh" && n != "gelu tanh";
    });
    const auto squashing =
        pick(acts, [](const std::string& n) { return n == "sigmoid" || n == "tanh"; });
    plot::Panel& values = fig.add_panel("Activations", "x", "f(x)");
    for (const curves::Curve* c : rectifiers) values.add(c->name, c->x, c->y);
    add_derivatives(
        fig.add_panel("Derivatives: backward (lines), closed form (dots)", "x", "f'(x)"),
        rectifiers);
    plot::Panel& squash = fig.add_panel("Sigmoid and tanh", "x", "f(x)");
    for (const curves::Curve* c : squashing) squash.add(c->name, c->x, c->y);
    add_derivatives(
        fig.add_panel("Their derivatives: backward (lines), closed form (dots)", "x", "f'(x)"),
        squashing);

    // The two forms of GELU differ by less than a line's width: their difference gets a panel.
    const curves::Curve &exact = named(acts, "gelu"), &approx = named(acts, "gelu tanh");
    std::vector<double> gap;
    std::size_t widest = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      gap.push_back(exact.y[i] - approx.y[i]);
      if (std::abs(gap[i]) > std::abs(gap[widest])) widest = i;
    }
    char gap_title[128];
    std::snprintf(gap_title, sizeof gap_title, "GELU exact - tanh form (largest: %.2g at x = %.2f)",
                  gap[widest], x[widest]);
    std::vector<double> gap_e4;  // drawn in units of 1e-4, so that the tick labels stay short
    for (double g : gap) gap_e4.push_back(g * 1e4);
    fig.add_panel(gap_title, "x", "difference (x 1e-4)")
        .add("(gelu - gelu tanh) x 1e4", x, gap_e4)
        .legend = false;

    // SwiGLU on one unit with W = V = 1: gate swish(x), value x, output x swish(x).
    const std::vector<curves::Curve> glus = curves::glu_family_curves(x);
    const curves::Curve& swiglu = glus.back();
    std::vector<double> gate;
    for (double v : x) gate.push_back(v / (1 + std::exp(-v)));
    plot::Panel& unit = fig.add_panel("SwiGLU on one unit (W = V = 1)", "x", "value");
    unit.add("gate swish(x)", x, gate);
    unit.add("value x", x, x).dashed = true;
    unit.add("output x*swish(x)", x, swiglu.y);
    // Its output for x <= 0 at a scale where the bump shows: a negative gate times a negative
    // value.
    std::vector<double> neg_x, neg_y;
    std::size_t top = 0;
    for (std::size_t i = 0; i < x.size() && x[i] <= 0; ++i) {
      neg_x.push_back(x[i]), neg_y.push_back(swiglu.y[i]);
      if (swiglu.y[i] > swiglu.y[top]) top = i;
    }
    char bump_title[128] = "x*swish(x) = x^2 sigma(x), x <= 0 (none in --range)";
    if (!neg_x.empty())
      std::snprintf(bump_title, sizeof bump_title,
                    "x*swish(x) = x^2 sigma(x), x <= 0 (top: %.3f at x = %.2f)", swiglu.y[top],
                    x[top]);
    plot::Panel& bump = fig.add_panel(bump_title, "x", "value");
    plot::Series& bump_curve = bump.add("output x*swish(x)", neg_x, neg_y);
    bump_curve.color = 2;       // the output's color in the panel above
    bump_curve.legend = false;  // the title says what it is

    // The second derivative, taken by the tape twice: the gradient's backward pass recorded,
    // then differentiated (docs/higher-order.md). relu's is 0 away from its kink; the smooth
    // ones bend, and x*swish(x) (SwiGLU on one unit) the most.
    std::vector<const curves::Curve*> bending = pick(acts, [](const std::string& n) {
      return n == "gelu" || n == "swish b=1" || n == "softplus" || n == "tanh";
    });
    bending.push_back(&swiglu);
    plot::Panel& second =
        fig.add_panel("f'' by the tape twice (lines), closed form (dots)", "x", "f''(x)");
    for (std::size_t i = 0; i < bending.size(); ++i) {
      const curves::Curve& c = *bending[i];
      const std::string name = c.name == "swiglu" ? "x*swish(x)" : c.name;
      second.add(name, c.x, c.d2y_tape).color = static_cast<int>(i);
      plot::Series& closed = second.add(name + " closed form", c.x, c.d2y_closed);
      closed.color = static_cast<int>(i);
      closed.line = false, closed.markers = true, closed.marker_every = 10, closed.legend = false;
    }
    save(fig, "activations",
         {"values", "derivatives", "squashing", "squashing_derivatives", "gelu_gap", "swiglu_unit",
          "swiglu_bump", "second_derivatives"},
         dir);
    std::printf("the two GELU forms differ by at most %.2g (at x = %.2f)\n", std::abs(gap[widest]),
                x[widest]);
    if (!neg_x.empty())
      std::printf("x^2 sigma(x) for x <= 0 peaks at %.3f (at x = %.2f)\n", swiglu.y[top], x[top]);

    plot::Figure family("The GLU family on one unit (gate = value = x)", 1, 2);
    family.panel_width = 540;
    plot::Panel& fy = family.add_panel("act(x) * x", "x", "y");
    for (const curves::Curve& c : glus) fy.add(c.name, c.x, c.y);
    fy.legend = plot::LegendPlace::Outside;  // bilinear's x^2 fills both top corners
    add_derivatives(
        family.add_panel("Derivatives: backward (lines), closed form (dots)", "x", "dy/dx"),
        pick(glus, [](const std::string&) { return true; }));
    save(family, "glu_family", {"values", "derivatives"}, dir);

    if (!flags.on("no-terminal")) {
      plot::TerminalOptions t;
      t.ascii = flags.on("ascii");
      t.color = isatty(STDOUT_FILENO) != 0;
      std::cout << "\n" << plot::terminal_plot(fig.panels[0], t);
      plot::Panel derivatives = fig.panels[1];
      derivatives.title = "Derivatives by backward";
      std::erase_if(derivatives.series, [](const plot::Series& s) { return !s.legend; });
      std::cout << "\n" << plot::terminal_plot(derivatives, t);
      std::cout << "\n" << plot::terminal_plot(family.panels[0], t);
    }
    return 0;
  });
}
