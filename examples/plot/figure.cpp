// examples/plot/figure.cpp — ticks, extents and checks shared by every writer.
#include "plot/figure.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace plot {

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return {lo};
  const double raw = (hi - lo) / std::max(target, 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / magnitude;  // in [1, 10)
  const double step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * magnitude;
  std::vector<double> ticks;
  for (double k = std::ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k += 1) {
    const double v = k * step;
    ticks.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);  // no "-0" or 1e-17 at zero
  }
  return ticks;
}

std::string tick_label(double value, double step) {
  char buf[64];
  if (std::abs(value) >= 1e5 || (std::abs(value) < 1e-4 && value != 0)) {
    std::snprintf(buf, sizeof buf, "%.3g", value);
    return buf;
  }
  // Enough decimals to tell neighbouring ticks apart, then no trailing zeros.
  const int decimals =
      step > 0 ? std::clamp(static_cast<int>(-std::floor(std::log10(step) + 1e-9)), 0, 8) : 2;
  std::snprintf(buf, sizeof buf, "%.*f", decimals + 1, value);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    s.erase(s.find_last_not_of('0') + 1);
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

namespace {
Range extent(const Panel& panel, bool along_x) {
  double lo = INFINITY, hi = -INFINITY;
  auto take = [&](double v) {
    if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  };
  for (const Series& s : panel.series) {
    for (double v : along_x ? s.x : s.y) take(v);
    if (!along_x) {
      for (double v : s.lower) take(v);
      for (double v : s.upper) take(v);
    }
  }
  if (!(lo <= hi)) return {0, 1};
  if (lo == hi) return {lo - 0.5, hi + 0.5};
  if (along_x) return {lo, hi};
  const double margin = 0.05 * (hi - lo);
  return {lo - margin, hi + margin};
}
}  // namespace

Range x_extent(const Panel& panel) {
  return panel.x_range ? *panel.x_range : extent(panel, true);
}
Range y_extent(const Panel& panel) {
  return panel.y_range ? *panel.y_range : extent(panel, false);
}

void validate(const Figure& figure) {
  auto bad = [](const std::string& what) { throw std::invalid_argument("plot: " + what); };
  if (figure.rows < 1 || figure.cols < 1) bad("a figure needs at least one row and one column");
  if (static_cast<int>(figure.panels.size()) > figure.rows * figure.cols)
    bad("figure '" + figure.title + "' has " + std::to_string(figure.panels.size()) +
        " panels but a " + std::to_string(figure.rows) + "x" + std::to_string(figure.cols) +
        " grid");
  if (figure.panel_width < 100 || figure.panel_height < 80)
    bad("panels must be at least 100x80 pixels");
  for (const Panel& p : figure.panels) {
    if (p.heatmap) {
      const Heatmap& h = *p.heatmap;
      if (h.rows < 1 || h.cols < 1 ||
          h.values.size() != static_cast<std::size_t>(h.rows) * static_cast<std::size_t>(h.cols))
        bad("the heatmap of panel '" + p.title + "' has " + std::to_string(h.values.size()) +
            " values for " + std::to_string(h.rows) + "x" + std::to_string(h.cols) + " cells");
      if ((!h.row_labels.empty() && h.row_labels.size() != static_cast<std::size_t>(h.rows)) ||
          (!h.col_labels.empty() && h.col_labels.size() != static_cast<std::size_t>(h.cols)))
        bad("the heatmap of panel '" + p.title + "' needs one label per row and per column");
      if (!(h.hi > h.lo) || !std::isfinite(h.lo) || !std::isfinite(h.hi))
        bad("the heatmap of panel '" + p.title + "' needs a finite range lo < hi");
      if (h.levels < 0 || h.levels > 255)
        bad("the heatmap of panel '" + p.title + "' needs 0 to 255 levels");
      if (p.series.empty()) continue;
    }
    for (const Range r : {x_extent(p), y_extent(p)})
      if (!(r.hi > r.lo) || !std::isfinite(r.lo) || !std::isfinite(r.hi))
        bad("panel '" + p.title + "' has an empty or infinite axis range");
    for (const Series& s : p.series) {
      if (s.x.size() != s.y.size())
        bad("series '" + s.label + "' in panel '" + p.title + "' has " +
            std::to_string(s.x.size()) + " x values but " + std::to_string(s.y.size()) +
            " y values");
      if (s.marker_every < 1)
        bad("series '" + s.label + "' in panel '" + p.title + "' has marker_every " +
            std::to_string(s.marker_every) + "; it must be at least 1");
      if ((!s.lower.empty() || !s.upper.empty()) &&
          (s.lower.size() != s.x.size() || s.upper.size() != s.x.size()))
        bad("series '" + s.label + "' in panel '" + p.title + "' has a band of the wrong length");
    }
  }
}

}  // namespace plot
