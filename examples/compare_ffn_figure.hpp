// examples/compare_ffn_figure.hpp — compare_ffn's held-out loss figure, built from its curves.
//
// Layer: examples (the plotting library only). One function, shared by compare_ffn, which draws
// the figure from the runs it just made, and by the test docs_compare_ffn_one_run
// (tests/check_compare_ffn.cpp), which draws it again from the committed CSV and requires the
// committed SVG to be the same file: the figure and its data come from one run.
#pragma once

#include <string>
#include <vector>

#include "layers/ffn.hpp"
#include "plot/figure.hpp"

namespace tg::compare_ffn {

// One variant's held-out loss over the seeds at each evaluation step x: mean, min and max.
struct Curve {
  std::string name;
  bool gated = false;  // drawn solid; the non-gated variants dashed
  std::vector<double> x, mean, lower, upper;
};

// The gated variants and the mixtures of (SwiGLU) experts are drawn solid, the others dashed.
inline bool drawn_solid(const std::string& variant) {
  return variant.rfind("moe", 0) == 0 || nn::is_gated(nn::parse_ffn_kind(variant));
}

inline plot::Figure heldout_figure(const std::vector<Curve>& curves) {
  plot::Figure fig("Held-out loss during training (mean, min..max over seeds)", 1, 1);
  fig.panel_width = 880;
  fig.panel_height = 460;
  plot::Panel& panel = fig.add_panel("", "step", "held-out loss (nats/char)");
  panel.legend = plot::LegendPlace::Outside;  // inside, it would cover the early steps' curves
  for (const Curve& c : curves) {
    plot::Series& s = panel.add(c.name, c.x, c.mean);
    s.lower = c.lower;
    s.upper = c.upper;
    s.dashed = !c.gated;
  }
  return fig;
}

}  // namespace tg::compare_ffn
