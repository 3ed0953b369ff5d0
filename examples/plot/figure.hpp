// examples/plot/figure.hpp — what a plot is: a figure of panels, each with line series.
//
// Layer: examples (a small STL-only plotting library for the demos; core/ knows nothing of it).
// Build a Figure, then hand it to the writers: svg.hpp (a file a browser shows), terminal.hpp
// (text for the shell) and csv.hpp (the numbers behind each panel).
//
//   plot::Figure fig{"Activations", 1, 2};      // title, rows, columns
//   plot::Panel& p = fig.add_panel("ReLU", "x", "y");
//   p.add("relu", xs, ys);
//   plot::write_svg(fig, "out/relu.svg");
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace plot {

struct Series {
  std::string label;
  std::vector<double> x, y;
  bool markers = false;  // a dot at every marker_every-th point, besides the line
  int marker_every = 1;
  bool line = true;
  bool dashed = false;
  bool legend = true;  // listed in the legend (an empty label is never listed)
  // An optional shaded band from lower[i] to upper[i] around the line (e.g. min..max over seeds).
  std::vector<double> lower, upper;
  int color = -1;  // palette index; -1 picks the next color of the panel
};

struct Range {
  double lo, hi;
};

// A matrix drawn as a grid of cells, row 0 at the top, each shaded from white (value lo) to dark
// blue (value hi) — attention weights, say. Alone in a panel, labels (when given) name each row
// (left) and column (below); in a panel with series, it is their background, spanning the axis
// ranges (row 0 at the top of the y range), and the axes have their usual ticks. Drawn by
// svg.hpp only.
struct Heatmap {
  int rows = 0, cols = 0;
  std::vector<double> values;  // row-major, rows * cols
  std::vector<std::string> row_labels, col_labels;
  double lo = 0, hi = 1;
  int levels = 0;  // > 0: shades rounded to that many steps above white (a smaller file)
};

// Where the SVG puts a panel's legend: in a corner of the plotting area the curves leave empty,
// or to the right of it (the plotting area narrows to make room).
enum class LegendPlace { TopLeft, TopRight, BottomLeft, BottomRight, Outside };

struct Panel {
  std::string title, x_label, y_label;
  std::deque<Series> series;              // a deque, so that add()'s references stay valid
  std::optional<Range> x_range, y_range;  // unset: fitted to the data with a small margin
  std::optional<Heatmap> heatmap;         // set: the panel is this matrix, not line series
  LegendPlace legend = LegendPlace::TopLeft;

  Series& add(std::string label, std::vector<double> x, std::vector<double> y) {
    Series s;
    s.label = std::move(label);
    s.x = std::move(x);
    s.y = std::move(y);
    series.push_back(std::move(s));
    return series.back();
  }
};

struct Figure {
  std::string title;
  int rows = 1, cols = 1;
  // A deque: a reference from add_panel (or Panel::add) stays valid while more are added.
  std::deque<Panel> panels;                   // row by row; at most rows * cols
  int panel_width = 460, panel_height = 320;  // pixels per panel in the SVG

  Figure() = default;
  Figure(std::string t, int r, int c) : title(std::move(t)), rows(r), cols(c) {}
  Panel& add_panel(std::string title, std::string x_label, std::string y_label) {
    Panel p;
    p.title = std::move(title);
    p.x_label = std::move(x_label);
    p.y_label = std::move(y_label);
    panels.push_back(std::move(p));
    return panels.back();
  }
};

// Okabe & Ito's palette, chosen to stay distinguishable with the common forms of color
// blindness (yellow, the palest, last), then four of Paul Tol's "muted" colours that none of
// them resembles (wine, teal, olive, indigo), so that a panel of up to 12 series gives each its
// own colour. Past 12 the colours repeat with another dash pattern (svg.cpp's dash_of), so no two
// of a panel's first 36 series are drawn alike.
inline constexpr const char* kPalette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                           "#E69F00", "#56B4E9", "#000000", "#F0E442",
                                           "#882255", "#44AA99", "#999933", "#332288"};
inline constexpr int kPaletteSize = 12;

// Tick positions for an axis from lo to hi: about `target` round numbers (steps of 1, 2 or 5
// times a power of ten), all inside [lo, hi].
std::vector<double> nice_ticks(double lo, double hi, int target = 5);

// A tick label without trailing zeros: 0.5, 2, -1.5, 1e+04.
std::string tick_label(double value, double step);

// The axis ranges a panel is drawn with: the set ranges, or the data's extent with 5% margins.
Range x_extent(const Panel& panel);
Range y_extent(const Panel& panel);

// Checks a figure before it is drawn: sizes, x/y lengths, bands, panel count. Throws
// std::invalid_argument naming the panel and series.
void validate(const Figure& figure);

}  // namespace plot
