// examples/plot/svg.cpp — see svg.hpp.
#include "plot/svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/formats/file_io.hpp"

namespace plot {

namespace {

constexpr double kTitleHeight = 36;                                 // the figure's title band
constexpr double kLeft = 64, kRight = 16, kTop = 30, kBottom = 46;  // margins inside a cell
constexpr double kLegendRow = 16, kLegendGap = 10;  // a legend line; the gap before one outside

// The series a panel's legend lists, and the legend box's width.
std::vector<std::size_t> legend_entries(const Panel& p) {
  std::vector<std::size_t> listed;
  for (std::size_t i = 0; i < p.series.size(); ++i)
    if (!p.series[i].label.empty() && p.series[i].legend) listed.push_back(i);
  return listed;
}
double legend_width(const Panel& p) {
  std::size_t longest = 0;
  for (std::size_t i : legend_entries(p)) longest = std::max(longest, p.series[i].label.size());
  return 34 + 6.6 * static_cast<double>(longest);
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

const char* color_of(const Series& s, std::size_t index) {
  const int c = s.color >= 0 ? s.color : static_cast<int>(index);
  return kPalette[c % kPaletteSize];
}

// The stroke's dash attribute: solid or dashed as the series asks, and on each later pass through
// the palette a pattern of its own (dotted, dash-dotted, ...), so that two series that share a
// colour are never drawn alike.
std::string dash_of(const Series& s, std::size_t index) {
  const int c = s.color >= 0 ? s.color : static_cast<int>(index);
  const int pass = c / kPaletteSize % 3;
  static const char* const solid[] = {"", "1.5 3", "10 3 1.5 3 1.5 3"};
  static const char* const dashed[] = {"6 4", "6 3 1.5 3", "12 4"};
  const std::string pattern = s.dashed ? dashed[pass] : solid[pass];
  return pattern.empty() ? "" : " stroke-dasharray=\"" + pattern + "\"";
}

// The polyline points of a series, split wherever a value is not finite.
std::vector<std::string> segments(const Series& s, Range xr, Range yr, const Rect& a) {
  std::vector<std::string> out;
  std::string current;
  for (std::size_t i = 0; i < s.x.size(); ++i) {
    if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) {
      if (!current.empty()) out.push_back(current), current.clear();
      continue;
    }
    current += num(to_pixel_x(s.x[i], xr, a)) + "," + num(to_pixel_y(s.y[i], yr, a)) + " ";
  }
  if (!current.empty()) out.push_back(current);
  return out;
}

// The cells of a heatmap over the area `a`, row 0 at the top: each shaded from white (lo) to
// dark blue #08306B (hi). White cells are left out (the page is white) and neighbours of one
// shade in a row are one rect, so a sparse or two-toned matrix makes a small file.
void draw_cells(std::ostringstream& o, const Heatmap& h, const Rect& a) {
  const double cw = a.width / h.cols, ch = a.height / h.rows;
  auto fill_of = [&](int r, int c) {
    const double v = h.values[static_cast<std::size_t>(r) * static_cast<std::size_t>(h.cols) +
                              static_cast<std::size_t>(c)];
    double t = std::isfinite(v) ? std::clamp((v - h.lo) / (h.hi - h.lo), 0.0, 1.0) : 0.0;
    if (h.levels > 0) t = std::round(t * h.levels) / h.levels;
    char fill[8];
    std::snprintf(fill, sizeof fill, "#%02X%02X%02X",
                  static_cast<int>(std::lround(255 + t * (8 - 255))),
                  static_cast<int>(std::lround(255 + t * (48 - 255))),
                  static_cast<int>(std::lround(255 + t * (107 - 255))));
    return std::string(fill);
  };
  o << "<g class=\"cells\" shape-rendering=\"crispEdges\">\n";
  for (int r = 0; r < h.rows; ++r)
    for (int c = 0; c < h.cols;) {
      const std::string fill = fill_of(r, c);
      int end = c + 1;
      while (end < h.cols && fill_of(r, end) == fill) ++end;
      if (fill != "#FFFFFF")
        o << "<rect x=\"" << num(a.x + c * cw) << "\" y=\"" << num(a.y + r * ch) << "\" width=\""
          << num((end - c) * cw) << "\" height=\"" << num(ch) << "\" fill=\"" << fill << "\"/>\n";
      c = end;
    }
  o << "</g>\n";
}

// A panel that is a heatmap alone: its cells, row labels on the left and column labels below
// in a font that fits the cells, a frame, the title and the axis labels.
// The plotting area's border and the panel's axis labels (below, and rotated on the left).
void draw_frame(std::ostringstream& o, const Panel& p, const Rect& a) {
  o << "<rect x=\"" << num(a.x) << "\" y=\"" << num(a.y) << "\" width=\"" << num(a.width)
    << "\" height=\"" << num(a.height) << "\" fill=\"none\" stroke=\"#333\"/>\n";
  o << "<text x=\"" << num(a.x + a.width / 2) << "\" y=\"" << num(a.y + a.height + 36)
    << "\" text-anchor=\"middle\">" << escape(p.x_label) << "</text>\n";
  o << "<text x=\"" << num(a.x - 46) << "\" y=\"" << num(a.y + a.height / 2)
    << "\" text-anchor=\"middle\" transform=\"rotate(-90 " << num(a.x - 46) << " "
    << num(a.y + a.height / 2) << ")\">" << escape(p.y_label) << "</text>\n";
}

void draw_heatmap(std::ostringstream& o, const Figure& fig, int index) {
  const Panel& p = fig.panels[static_cast<std::size_t>(index)];
  const Heatmap& h = *p.heatmap;
  const Rect a = plot_area(fig, index);
  const double cw = a.width / h.cols, ch = a.height / h.rows;
  o << "<g>\n<text x=\"" << num(a.x + a.width / 2) << "\" y=\"" << num(a.y - 10)
    << "\" text-anchor=\"middle\" font-weight=\"bold\">" << escape(p.title) << "</text>\n";
  draw_cells(o, h, a);
  const double font = std::clamp(std::min(cw, ch) * 0.9, 5.0, 11.0);
  for (int r = 0; r < static_cast<int>(h.row_labels.size()); ++r)
    o << "<text class=\"ytick\" x=\"" << num(a.x - 3) << "\" y=\""
      << num(a.y + (r + 0.5) * ch + font * 0.35) << "\" text-anchor=\"end\" font-size=\""
      << num(font) << "\">" << escape(h.row_labels[static_cast<std::size_t>(r)]) << "</text>\n";
  for (int c = 0; c < static_cast<int>(h.col_labels.size()); ++c)
    o << "<text class=\"xtick\" x=\"" << num(a.x + (c + 0.5) * cw) << "\" y=\""
      << num(a.y + a.height + font + 2) << "\" text-anchor=\"middle\" font-size=\"" << num(font)
      << "\">" << escape(h.col_labels[static_cast<std::size_t>(c)]) << "</text>\n";
  draw_frame(o, p, a);
  o << "</g>\n";
}

void draw_panel(std::ostringstream& o, const Figure& fig, int index) {
  const Panel& p = fig.panels[static_cast<std::size_t>(index)];
  if (p.heatmap && p.series.empty()) return draw_heatmap(o, fig, index);
  const Rect a = plot_area(fig, index);
  const Range xr = x_extent(p), yr = y_extent(p);
  const std::string clip = "clip" + std::to_string(index);
  o << "<g>\n<clipPath id=\"" << clip << "\"><rect x=\"" << num(a.x) << "\" y=\"" << num(a.y)
    << "\" width=\"" << num(a.width) << "\" height=\"" << num(a.height) << "\"/></clipPath>\n";
  o << "<text x=\"" << num(a.x + a.width / 2) << "\" y=\"" << num(a.y - 10)
    << "\" text-anchor=\"middle\" font-weight=\"bold\">" << escape(p.title) << "</text>\n";

  // Grid and tick labels.
  const std::vector<double> xt = nice_ticks(xr.lo, xr.hi, 6), yt = nice_ticks(yr.lo, yr.hi, 5);
  const double xstep = xt.size() > 1 ? xt[1] - xt[0] : 1, ystep = yt.size() > 1 ? yt[1] - yt[0] : 1;
  for (double t : xt) {
    const double px = to_pixel_x(t, xr, a);
    o << "<line class=\"grid\" x1=\"" << num(px) << "\" y1=\"" << num(a.y) << "\" x2=\"" << num(px)
      << "\" y2=\"" << num(a.y + a.height) << "\" stroke=\"#e3e3e3\"/>\n";
    o << "<text class=\"xtick\" x=\"" << num(px) << "\" y=\"" << num(a.y + a.height + 16)
      << "\" text-anchor=\"middle\">" << escape(tick_label(t, xstep)) << "</text>\n";
  }
  for (double t : yt) {
    const double py = to_pixel_y(t, yr, a);
    o << "<line class=\"grid\" x1=\"" << num(a.x) << "\" y1=\"" << num(py) << "\" x2=\""
      << num(a.x + a.width) << "\" y2=\"" << num(py) << "\" stroke=\"#e3e3e3\"/>\n";
    o << "<text class=\"ytick\" x=\"" << num(a.x - 6) << "\" y=\"" << num(py + 4)
      << "\" text-anchor=\"end\">" << escape(tick_label(t, ystep)) << "</text>\n";
  }
  if (p.heatmap) draw_cells(o, *p.heatmap, a);  // a background spanning the axis ranges
  draw_frame(o, p, a);

  // Bands first, so that every line is drawn over them.
  o << "<g clip-path=\"url(#" << clip << ")\">\n";
  for (std::size_t i = 0; i < p.series.size(); ++i) {
    const Series& s = p.series[i];
    if (s.lower.empty()) continue;
    std::string points;
    for (std::size_t k = 0; k < s.x.size(); ++k)
      points += num(to_pixel_x(s.x[k], xr, a)) + "," + num(to_pixel_y(s.upper[k], yr, a)) + " ";
    for (std::size_t k = s.x.size(); k-- > 0;)
      points += num(to_pixel_x(s.x[k], xr, a)) + "," + num(to_pixel_y(s.lower[k], yr, a)) + " ";
    o << "<polygon class=\"band\" points=\"" << points << "\" fill=\"" << color_of(s, i)
      << "\" fill-opacity=\"0.18\" stroke=\"none\"/>\n";
  }
  for (std::size_t i = 0; i < p.series.size(); ++i) {
    const Series& s = p.series[i];
    if (s.line)
      for (const std::string& seg : segments(s, xr, yr, a))
        o << "<polyline class=\"series\" points=\"" << seg << "\" fill=\"none\" stroke=\""
          << color_of(s, i) << "\" stroke-width=\"1.8\"" << dash_of(s, i) << "/>\n";
    if (s.markers)
      for (std::size_t k = 0; k < s.x.size(); k += static_cast<std::size_t>(s.marker_every))
        if (std::isfinite(s.x[k]) && std::isfinite(s.y[k]))
          o << "<circle class=\"marker\" cx=\"" << num(to_pixel_x(s.x[k], xr, a)) << "\" cy=\""
            << num(to_pixel_y(s.y[k], yr, a)) << "\" r=\"2.5\" fill=\"" << color_of(s, i)
            << "\"/>\n";
  }
  o << "</g>\n";

  // Legend, in the corner the panel asks for (or right of the plotting area); series without a
  // label, or marked legend = false, are left out of it.
  const std::vector<std::size_t> listed = legend_entries(p);
  if (!listed.empty()) {
    const double w = legend_width(p), h = kLegendRow * static_cast<double>(listed.size()) + 6;
    double lx = a.x + 8, ly = a.y + 8;
    switch (p.legend) {
      case LegendPlace::TopLeft:
        break;
      case LegendPlace::TopRight:
        lx = a.x + a.width - 8 - w;
        break;
      case LegendPlace::BottomLeft:
        ly = a.y + a.height - 8 - h;
        break;
      case LegendPlace::BottomRight:
        lx = a.x + a.width - 8 - w, ly = a.y + a.height - 8 - h;
        break;
      case LegendPlace::Outside:
        lx = a.x + a.width + kLegendGap, ly = a.y;
        break;
    }
    o << "<rect class=\"legend\" x=\"" << num(lx) << "\" y=\"" << num(ly) << "\" width=\"" << num(w)
      << "\" height=\"" << num(h) << "\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#bbb\"/>\n";
    for (std::size_t n = 0; n < listed.size(); ++n) {
      const std::size_t i = listed[n];
      const Series& s = p.series[i];
      const double y = ly + 12 + kLegendRow * static_cast<double>(n);
      if (s.line)
        o << "<line x1=\"" << num(lx + 6) << "\" y1=\"" << num(y - 4) << "\" x2=\"" << num(lx + 26)
          << "\" y2=\"" << num(y - 4) << "\" stroke=\"" << color_of(s, i) << "\" stroke-width=\"2\""
          << dash_of(s, i) << "/>\n";
      if (s.markers)
        o << "<circle cx=\"" << num(lx + 16) << "\" cy=\"" << num(y - 4) << "\" r=\"2.5\" fill=\""
          << color_of(s, i) << "\"/>\n";
      o << "<text class=\"legend-label\" x=\"" << num(lx + 30) << "\" y=\"" << num(y) << "\">"
        << escape(s.label) << "</text>\n";
    }
  }
  o << "</g>\n";
}

}  // namespace

std::string escape(const std::string& text) {
  std::string s;
  for (char c : text) {
    switch (c) {
      case '&':
        s += "&amp;";
        break;
      case '<':
        s += "&lt;";
        break;
      case '>':
        s += "&gt;";
        break;
      case '"':
        s += "&quot;";
        break;
      case '\'':
        s += "&apos;";
        break;
      default:
        s += c;
    }
  }
  return s;
}

Rect plot_area(const Figure& figure, int panel) {
  const int row = panel / figure.cols, col = panel % figure.cols;
  const double cx = col * figure.panel_width, cy = kTitleHeight + row * figure.panel_height;
  const Panel* p = panel < static_cast<int>(figure.panels.size())
                       ? &figure.panels[static_cast<std::size_t>(panel)]
                       : nullptr;
  const double legend = p && p->legend == LegendPlace::Outside && !legend_entries(*p).empty()
                            ? kLegendGap + legend_width(*p)
                            : 0;
  return {cx + kLeft, cy + kTop, figure.panel_width - kLeft - kRight - legend,
          figure.panel_height - kTop - kBottom};
}

double to_pixel_x(double v, Range r, const Rect& a) {
  return a.x + (v - r.lo) / (r.hi - r.lo) * a.width;
}
double to_pixel_y(double v, Range r, const Rect& a) {
  return a.y + a.height - (v - r.lo) / (r.hi - r.lo) * a.height;
}

std::string to_svg(const Figure& figure) {
  validate(figure);
  const double width = figure.cols * figure.panel_width;
  const double height = kTitleHeight + figure.rows * figure.panel_height;
  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << num(width) << "\" height=\""
    << num(height) << "\" viewBox=\"0 0 " << num(width) << " " << num(height)
    << "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
    << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    << "<text x=\"" << num(width / 2) << "\" y=\"24\" text-anchor=\"middle\" font-size=\"16\" "
    << "font-weight=\"bold\">" << escape(figure.title) << "</text>\n";
  for (int i = 0; i < static_cast<int>(figure.panels.size()); ++i) draw_panel(o, figure, i);
  o << "</svg>\n";
  return o.str();
}

void write_svg(const Figure& figure, const std::string& path) {
  tg::write_file_atomically(path, to_svg(figure));
}

}  // namespace plot
