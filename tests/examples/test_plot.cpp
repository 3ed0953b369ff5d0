// The plotting library of examples/plot and the activation curves behind the plot demo.
#include <cmath>
#include <set>
#include <string>

#include "activation_curves.hpp"
#include "helpers.hpp"
#include "plot/csv.hpp"
#include "plot/svg.hpp"
#include "plot/tape_svg.hpp"
#include "plot/terminal.hpp"

namespace {

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A 1x1 figure with both axes fixed to [0, 10].
plot::Figure square() {
  plot::Figure fig("Square & <test>", 1, 1);
  plot::Panel& p = fig.add_panel("panel", "x label", "y label");
  p.x_range = plot::Range{0, 10};
  p.y_range = plot::Range{0, 10};
  return fig;
}

}  // namespace

TEST_CASE("nice ticks are round numbers inside the range") {
  CHECK(plot::nice_ticks(0, 10, 5) == std::vector<double>{0, 2, 4, 6, 8, 10});
  CHECK(plot::nice_ticks(-4, 4, 4) == std::vector<double>{-4, -2, 0, 2, 4});
  const std::vector<double> t = plot::nice_ticks(0.013, 0.087, 5);
  REQUIRE(t.size() >= 3);
  for (std::size_t i = 0; i < t.size(); ++i) {
    CHECK(t[i] >= 0.013);
    CHECK(t[i] <= 0.087);
    if (i) CHECK(t[i] - t[i - 1] == doctest::Approx(0.01));
  }
  CHECK(plot::tick_label(0.5, 0.5) == "0.5");
  CHECK(plot::tick_label(2, 1) == "2");
  CHECK(plot::tick_label(-1.25, 0.25) == "-1.25");
  CHECK(plot::tick_label(0.1 + 0.2, 0.1) == "0.3");
  CHECK(plot::tick_label(-0.0, 1) == "0");
}

TEST_CASE("a known data point lands on the right pixel") {
  plot::Figure fig = square();
  plot::Series& s = fig.panels[0].add("points", {5, 0, 10}, {5, 10, 0});
  s.markers = true;
  const plot::Rect a = plot::plot_area(fig, 0);
  const std::string svg = plot::to_svg(fig);
  char centre[128], corner[128], opposite[128];
  std::snprintf(centre, sizeof centre, "cx=\"%.2f\" cy=\"%.2f\"", a.x + a.width / 2,
                a.y + a.height / 2);
  std::snprintf(corner, sizeof corner, "cx=\"%.2f\" cy=\"%.2f\"", a.x, a.y);  // (0, 10): top left
  std::snprintf(opposite, sizeof opposite, "cx=\"%.2f\" cy=\"%.2f\"", a.x + a.width,
                a.y + a.height);
  CHECK(svg.find(centre) != std::string::npos);
  CHECK(svg.find(corner) != std::string::npos);
  CHECK(svg.find(opposite) != std::string::npos);
}

TEST_CASE("the SVG has its structure: title, ticks, grid, one polyline per series, legend") {
  plot::Figure fig = square();
  fig.panels[0].add("a & b", {0, 5, 10}, {1, 2, 3});
  fig.panels[0].add("c", {0, 10}, {5, 5}).dashed = true;
  const std::string svg = plot::to_svg(fig);
  CHECK(svg.rfind(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"",
            0) == 0);
  CHECK(svg.find("</svg>\n") == svg.size() - 7);
  CHECK(svg.find("Square &amp; &lt;test&gt;") != std::string::npos);  // escaped title
  CHECK(svg.find(">a &amp; b</text>") != std::string::npos);          // escaped legend label
  CHECK(count(svg, "class=\"series\"") == 2);
  CHECK(count(svg, "stroke-dasharray") == 2);  // the dashed line and its legend sample
  CHECK(count(svg, "class=\"xtick\"") == 6);   // 0, 2, ..., 10
  for (const char* label : {">0<", ">2<", ">4<", ">6<", ">8<", ">10<"})
    CHECK(svg.find(label) != std::string::npos);
  CHECK(count(svg, "class=\"grid\"") == 12);
  // Every opened element is closed: as many "<" element starts as "/>" or "</" closings.
  CHECK(count(svg, "<text") == count(svg, "</text>"));
  CHECK(count(svg, "<g") == count(svg, "</g>"));
}

TEST_CASE("NaN breaks a line into segments, bands draw a polygon, a grid of panels") {
  plot::Figure fig("grid", 2, 2);
  for (int i = 0; i < 3; ++i) fig.add_panel("p" + std::to_string(i), "x", "y");
  fig.panels[0].add("gap", {0, 1, 2, 3, 4}, {0, 1, NAN, 3, 4});
  plot::Series& band = fig.panels[1].add("mean", {0, 1, 2}, {1, 2, 3});
  band.lower = {0.5, 1.5, 2.5};
  band.upper = {1.5, 2.5, 3.5};
  const std::string svg = plot::to_svg(fig);
  CHECK(count(svg, "class=\"series\"") == 3);  // two segments and the band's mean line
  CHECK(count(svg, "class=\"band\"") == 1);
  // Panel 3 (second row, second column) sits below and right of panel 0.
  CHECK(plot::plot_area(fig, 3).x > plot::plot_area(fig, 0).x + fig.panel_width - 1);
  CHECK(plot::plot_area(fig, 3).y > plot::plot_area(fig, 0).y + fig.panel_height - 1);
}

TEST_CASE("bad figures are rejected with the panel and series named") {
  plot::Figure fig = square();
  fig.panels[0].add("short", {1, 2, 3}, {1, 2});
  CHECK_THROWS_WITH(plot::to_svg(fig),
                    "plot: series 'short' in panel 'panel' has 3 x values but 2 y values");
  plot::Figure crowded("crowded", 1, 1);
  crowded.add_panel("a", "", "");
  crowded.add_panel("b", "", "");
  CHECK_THROWS_WITH(plot::to_svg(crowded), "plot: figure 'crowded' has 2 panels but a 1x1 grid");
}

TEST_CASE("CSV: header, x first, one column per series, merged on x") {
  plot::Panel p;
  p.add("y1", {0, 1, 2}, {10, 11, 12});
  p.add("y, two", {1, 3}, {21, 23});
  CHECK(plot::to_csv(p) == "x,y1,\"y, two\"\n0,10,\n1,11,21\n2,12,\n3,,23\n");
  plot::Series& s = p.add("band", {0}, {1});
  s.lower = {0.5};
  s.upper = {1.5};
  CHECK(plot::to_csv(p).rfind("x,y1,\"y, two\",band,band lower,band upper\n0,10,,1,0.5,1.5\n", 0) ==
        0);
}

TEST_CASE("terminal plots: size, axis labels, where a point lands, ASCII marks") {
  plot::Panel p;
  p.title = "t";
  p.x_label = "x";
  p.x_range = plot::Range{0, 10};
  p.y_range = plot::Range{0, 10};
  p.add("top right", {10}, {10}).line = false;
  plot::TerminalOptions o;
  o.width = 20;
  o.height = 5;
  o.ascii = true;
  const std::string text = plot::terminal_plot(p, o);
  std::vector<std::string> lines;
  for (std::size_t start = 0, end; (end = text.find('\n', start)) != std::string::npos;
       start = end + 1)
    lines.push_back(text.substr(start, end - start));
  REQUIRE(lines.size() == 1 + 5 + 3);     // title, rows, axis, tick labels, legend
  CHECK(lines[1].rfind(" 10+", 0) == 0);  // the top row carries the y maximum
  CHECK(lines[1].back() == '*');          // (10, 10): last column of the top row
  CHECK(lines[5].rfind("  0+", 0) == 0);
  CHECK(lines[8].find("* top right") != std::string::npos);
  o.ascii = false;
  const std::string braille = plot::terminal_plot(p, o);
  CHECK(braille.find("\xe2\xa0\x88") != std::string::npos);  // U+2808: the top-right dot of a cell
  CHECK_THROWS(plot::terminal_plot(p, plot::TerminalOptions{2, 2, false, false}));
}

TEST_CASE("legend places: a corner inside, or outside with a narrower plotting area") {
  plot::Figure fig = square();
  fig.panels[0].add("curve", {0, 10}, {0, 10});
  const plot::Rect inside = plot::plot_area(fig, 0);
  const std::string top_left = plot::to_svg(fig);
  fig.panels[0].legend = plot::LegendPlace::BottomRight;
  const std::string bottom_right = plot::to_svg(fig);
  CHECK(top_left.find("class=\"legend\" x=\"" + std::to_string(static_cast<int>(inside.x + 8))) !=
        std::string::npos);
  CHECK(bottom_right != top_left);
  fig.panels[0].legend = plot::LegendPlace::Outside;
  const plot::Rect narrowed = plot::plot_area(fig, 0);
  CHECK(narrowed.width < inside.width);
  const std::string outside = plot::to_svg(fig);
  const std::string key = "class=\"legend\" x=\"";
  const std::size_t at = outside.find(key);
  REQUIRE(at != std::string::npos);
  CHECK(std::stod(outside.substr(at + key.size())) > narrowed.x + narrowed.width);  // right of it
  // A series kept out of the legend still has its CSV column.
  plot::Series& hidden = fig.panels[0].add("hidden", {0, 10}, {1, 1});
  hidden.legend = false;
  CHECK(plot::to_svg(fig).find(">hidden</text>") == std::string::npos);
  CHECK(plot::to_csv(fig.panels[0]).rfind("x,curve,hidden\n", 0) == 0);
}

TEST_CASE("markers on every n-th point only") {
  plot::Figure fig = square();
  plot::Series& s = fig.panels[0].add("dots", {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
                                      {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  s.line = false;
  s.markers = true;
  s.marker_every = 5;
  CHECK(count(plot::to_svg(fig), "class=\"marker\"") == 3);  // points 0, 5 and 10
  s.marker_every = 0;
  CHECK_THROWS_WITH(
      plot::to_svg(fig),
      "plot: series 'dots' in panel 'panel' has marker_every 0; it must be at least 1");
}

TEST_CASE("braille without color: each series and its legend entry get their own mark") {
  plot::Panel p;
  p.x_range = plot::Range{0, 10};
  p.y_range = plot::Range{0, 10};
  std::vector<double> x;
  for (int i = 0; i <= 100; ++i) x.push_back(i / 10.0);
  p.add("low", x, std::vector<double>(x.size(), 2));
  p.add("high", x, std::vector<double>(x.size(), 8));
  plot::TerminalOptions o;
  o.width = 40;
  o.height = 8;
  const std::string text = plot::terminal_plot(p, o);
  CHECK(text.find("* low") != std::string::npos);
  CHECK(text.find("+ high") != std::string::npos);
  CHECK(count(text, "*") >= 1 + 3);  // the legend's and at least one every twelve columns
  CHECK(count(text, "+") >= 1 + 3);
  o.color = true;  // with color, the curves are plain braille and the legend a colored block
  const std::string colored = plot::terminal_plot(p, o);
  CHECK(colored.find("* low") == std::string::npos);
}

TEST_CASE("every derivative from backward matches its closed form to 1e-6") {
  const std::vector<double> x = tg::curves::grid(-6, 6, 1201);
  std::vector<tg::curves::Curve> all = tg::curves::activation_curves(x, {0.5, 1, 2});
  for (const auto& c : tg::curves::glu_family_curves(x)) all.push_back(c);
  CHECK(all.size() == 10 + 5);
  for (const auto& c : all) {
    CAPTURE(c.name);
    double worst = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (x[i] != 0)  // relu and reglu have no derivative at the kink
        worst = std::max(worst, std::abs(c.dy_backward[i] - c.dy_closed[i]));
    CHECK(worst < 1e-6);
  }
}

TEST_CASE("every second derivative by the tape twice matches its closed form to 1e-6") {
  // The data of plot_activations' f'' panel: the first derivative taken with create_graph,
  // differentiated again (docs/higher-order.md), against the formulas in activation_curves.cpp.
  const std::vector<double> x = tg::curves::grid(-6, 6, 1201);
  std::vector<tg::curves::Curve> all = tg::curves::activation_curves(x, {0.5, 1, 2});
  for (const auto& c : tg::curves::glu_family_curves(x)) all.push_back(c);
  double largest = 0;  // the curves bend: a check against all zeros would pass a broken tape
  for (const auto& c : all) {
    CAPTURE(c.name);
    REQUIRE(c.d2y_tape.size() == x.size());
    double worst = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (x[i] != 0) {  // relu and reglu have no derivative at the kink
        worst = std::max(worst, std::abs(c.d2y_tape[i] - c.d2y_closed[i]));
        largest = std::max(largest, std::abs(c.d2y_closed[i]));
      }
    CHECK(worst < 1e-6);
  }
  CHECK(largest > 0.5);
}

TEST_CASE("no two series of a panel are drawn alike, however many there are") {
  // compare_ffn's held-out figure drew 10 series in 8 colours: moe-active shared relu's blue
  // (issue 25). Each series' (colour, dash pattern) pair must be its own, solid or dashed.
  for (int n : {10, 12, 30}) {
    CAPTURE(n);
    plot::Figure fig = square();
    for (int i = 0; i < n; ++i)
      fig.panels[0].add("s" + std::to_string(i), {0, 10}, {1.0 * i, 1.0 * i}).dashed = i % 3 == 0;
    const std::string svg = plot::to_svg(fig);
    std::set<std::string> styles;
    for (std::size_t at = svg.find("class=\"series\""); at != std::string::npos;
         at = svg.find("class=\"series\"", at + 1)) {
      const std::size_t from = svg.find("stroke=\"", at), to = svg.find("/>", at);
      styles.insert(svg.substr(from, to - from));  // the colour and the dash attribute
    }
    CHECK(styles.size() == static_cast<std::size_t>(n));
  }
}

TEST_CASE("a tape drawn as SVG: a box per tensor and per op, an arrow per use") {
  using namespace tg;
  current_tape().clear();
  Tensor a = scalar(2.0, float64).requires_grad_().set_name("a");
  Tensor b = scalar(-3.0, float64).requires_grad_().set_name("b <x>");
  Tensor L = ((a * b + a) * a).set_name("L");
  L.backward({}, true);
  const std::string svg = plot::tape_to_svg(current_tape(), "T & t");
  current_tape().clear();
  CHECK(count(svg, "<rect") == 1 + 3 + 3 + 2);  // background, 3 ops, 3 results, 2 leaves
  CHECK(count(svg, "<polyline") == 3 * 2 + 3);  // two inputs and one output per op
  CHECK(svg.find(">b &lt;x&gt;</text>") != std::string::npos);
  CHECK(svg.find(">T &amp; t</text>") != std::string::npos);
  // L = a^2 b + a^2: dL/da = 2ab + 2a = -8 and dL/db = a^2 = 4 at a = 2, b = -3
  CHECK(svg.find(">grad [-8]</text>") != std::string::npos);
  CHECK(svg.find(">grad [4]</text>") != std::string::npos);
  CHECK(count(svg, "<text") == count(svg, "</text>"));
}
