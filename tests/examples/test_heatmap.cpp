// The heatmap panels of examples/plot (train_transformer draws attention weights with them).
#include <string>

#include "helpers.hpp"
#include "plot/svg.hpp"

namespace {
int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}
}  // namespace

TEST_CASE("a heatmap shades cells from lo (white, left out) to hi, one rect per run of a row") {
  plot::Figure fig("weights", 1, 1);
  plot::Panel& p = fig.add_panel("head 0", "key", "query");
  p.heatmap = plot::Heatmap{2, 3, {1, 0, 0, 0.5, 0.5, 0}, {"a", "b"}, {"x", "y", "<z>"}, 0, 1};
  const std::string svg = plot::to_svg(fig);
  CHECK(count(svg, "<rect x=") == 2 + 1);      // row 0's dark cell, row 1's run, the frame
  CHECK(count(svg, "fill=\"#08306B\"") == 1);  // 1: dark blue
  CHECK(count(svg, "fill=\"#8498B5\"") == 1);  // 0.5: halfway between white and #08306B
  // Row 1's run starts at the area's left edge, one row down, and is two cells wide.
  const plot::Rect a = plot::plot_area(fig, 0);
  char where[128];
  std::snprintf(where, sizeof where, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\"", a.x,
                a.y + a.height / 2, 2 * a.width / 3);
  CHECK(svg.find(where) != std::string::npos);
  CHECK(svg.find("&lt;z&gt;") != std::string::npos);  // labels escaped
  CHECK(count(svg, "<polyline") == 0);
}

TEST_CASE("a heatmap behind series spans the axis ranges, under the lines") {
  plot::Figure fig("boundary", 1, 1);
  plot::Panel& p = fig.add_panel("step 1", "x", "y");
  p.x_range = plot::Range{0, 10};
  p.y_range = plot::Range{0, 10};
  p.heatmap = plot::Heatmap{2, 2, {0, 1, 0, 0}, {}, {}, 0, 1};  // top right is dark
  p.add("points", {5}, {5});
  const std::string svg = plot::to_svg(fig);
  const plot::Rect a = plot::plot_area(fig, 0);
  char where[128];
  std::snprintf(where, sizeof where, "<rect x=\"%.2f\" y=\"%.2f\"", a.x + a.width / 2, a.y);
  CHECK(svg.find(where) != std::string::npos);
  CHECK(svg.find("fill=\"#08306B\"") < svg.find("<polyline"));  // drawn first, under the line
  CHECK(count(svg, "class=\"xtick\"") > 2);                     // the axes keep their ticks
}

TEST_CASE("bad heatmaps are rejected, naming the panel") {
  plot::Figure fig("weights", 1, 1);
  plot::Panel& p = fig.add_panel("head 0", "key", "query");
  p.heatmap = plot::Heatmap{2, 2, {1, 2, 3}, {}, {}, 0, 1};
  CHECK_THROWS_WITH(plot::to_svg(fig),
                    "plot: the heatmap of panel 'head 0' has 3 values for 2x2 cells");
  p.heatmap = plot::Heatmap{2, 2, {1, 2, 3, 4}, {"only one"}, {}, 0, 1};
  CHECK_THROWS_WITH(plot::to_svg(fig),
                    "plot: the heatmap of panel 'head 0' needs one label per row and per column");
  p.heatmap = plot::Heatmap{2, 2, {1, 2, 3, 4}, {}, {}, 1, 1};
  CHECK_THROWS_WITH(plot::to_svg(fig),
                    "plot: the heatmap of panel 'head 0' needs a finite range lo < hi");
}
