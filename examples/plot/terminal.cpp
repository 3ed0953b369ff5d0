// examples/plot/terminal.cpp — see terminal.hpp.
#include "plot/terminal.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace plot {

namespace {

constexpr const char* kAnsi[] = {"\x1b[34m", "\x1b[31m", "\x1b[32m", "\x1b[35m",
                                 "\x1b[33m", "\x1b[36m", "\x1b[37m", "\x1b[93m"};
constexpr const char kAsciiMarks[] = "*+ox#@%&";

// The braille character with the given dot bits (U+2800 + bits), as UTF-8.
std::string braille(unsigned bits) {
  const unsigned code = 0x2800 + bits;
  std::string s;
  s += static_cast<char>(0xE0 | (code >> 12));
  s += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
  s += static_cast<char>(0x80 | (code & 0x3F));
  return s;
}

// Bit of the braille dot at (column dx in 0..1, row dy in 0..3) of a cell.
unsigned dot_bit(int dx, int dy) {
  static constexpr unsigned bits[2][4] = {{0x01, 0x02, 0x04, 0x40}, {0x08, 0x10, 0x20, 0x80}};
  return bits[dx][dy];
}

std::string label(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

struct Canvas {
  int width, height;           // in cells
  int dots_x, dots_y;          // resolution in dots (per cell: 2x4 braille, 1x1 ascii)
  std::vector<unsigned> bits;  // braille bits per cell
  std::vector<int> owner;      // the last series drawn in each cell, -1 for none
  std::vector<int> stamp;      // a series whose mark replaces the braille in this cell, or -1

  void plot(int x, int y, int series) {
    if (x < 0 || y < 0 || x >= dots_x || y >= dots_y) return;
    const int cx = x * width / dots_x, cy = y * height / dots_y;
    const std::size_t cell = static_cast<std::size_t>(cy * width + cx);
    if (dots_x > width) bits[cell] |= dot_bit(x % 2, y % 4);
    owner[cell] = series;
  }

  // A straight line of dots from (x0, y0) to (x1, y1) (Bresenham's algorithm).
  void line(int x0, int y0, int x1, int y1, int series) {
    const int dx = std::abs(x1 - x0), dy = -std::abs(y1 - y0);
    const int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
    int err = dx + dy;
    for (int guard = 0; guard < 100000; ++guard) {
      plot(x0, y0, series);
      if (x0 == x1 && y0 == y1) return;
      const int e2 = 2 * err;
      if (e2 >= dy) err += dy, x0 += sx;
      if (e2 <= dx) err += dx, y0 += sy;
    }
  }
};

}  // namespace

std::string terminal_plot(const Panel& panel, const TerminalOptions& o) {
  if (o.width < 10 || o.height < 4 || o.width > 1000 || o.height > 500)
    throw std::invalid_argument("plot: terminal plots need 10..1000 columns and 4..500 rows");
  const Range xr = x_extent(panel), yr = y_extent(panel);
  Canvas c{
      o.width, o.height, o.ascii ? o.width : 2 * o.width, o.ascii ? o.height : 4 * o.height, {},
      {},      {}};
  c.bits.assign(static_cast<std::size_t>(o.width * o.height), 0);
  c.owner.assign(c.bits.size(), -1);
  c.stamp.assign(c.bits.size(), -1);
  // Braille without color cannot tell the series apart, so each series also gets its own mark
  // (the legend's) every kStampEvery columns, at columns staggered per series.
  const bool stamps = !o.ascii && !o.color;
  constexpr int kStampEvery = 12;
  auto to_dot = [&](double v, Range r, int n, bool flip) {
    const double t = (v - r.lo) / (r.hi - r.lo);
    const int d = static_cast<int>(std::lround(t * (n - 1)));
    return flip ? n - 1 - d : d;
  };
  for (std::size_t s = 0; s < panel.series.size(); ++s) {
    const Series& ser = panel.series[s];
    bool have_previous = false;
    int px = 0, py = 0;
    for (std::size_t i = 0; i < ser.x.size(); ++i) {
      if (!std::isfinite(ser.x[i]) || !std::isfinite(ser.y[i])) {
        have_previous = false;
        continue;
      }
      // Clamp far-away points so that a line towards them still leaves in the right direction.
      const int x = std::clamp(to_dot(ser.x[i], xr, c.dots_x, false), -c.dots_x, 2 * c.dots_x);
      const int y = std::clamp(to_dot(ser.y[i], yr, c.dots_y, true), -c.dots_y, 2 * c.dots_y);
      if (have_previous && ser.line)
        c.line(px, py, x, y, static_cast<int>(s));
      else
        c.plot(x, y, static_cast<int>(s));
      const int cx = x / 2, cy = y / 4;
      if (stamps && cx >= 0 && cy >= 0 && cx < c.width && cy < c.height &&
          cx % kStampEvery == static_cast<int>(5 * s) % kStampEvery)
        c.stamp[static_cast<std::size_t>(cy * c.width + cx)] = static_cast<int>(s);
      px = x, py = y, have_previous = true;
    }
  }

  const std::string top = label(yr.hi), bottom = label(yr.lo), middle = label((yr.lo + yr.hi) / 2);
  const std::size_t margin = std::max({top.size(), bottom.size(), middle.size()}) + 1;
  const char* vertical = o.ascii ? "|" : "\xe2\x94\x82";  // │
  const char* tick = o.ascii ? "+" : "\xe2\x94\xa4";      // ┤
  std::string out = panel.title.empty() ? "" : std::string(margin + 1, ' ') + panel.title + "\n";
  for (int row = 0; row < o.height; ++row) {
    std::string left;
    if (row == 0) left = top;
    if (row == o.height - 1) left = bottom;
    if (row == o.height / 2) left = middle;
    out += std::string(margin - left.size(), ' ') + left + (left.empty() ? vertical : tick);
    int current = -1;
    for (int col = 0; col < o.width; ++col) {
      const std::size_t cell = static_cast<std::size_t>(row * o.width + col);
      const int s = c.owner[cell];
      if (o.color && s != current) {
        out += s < 0 ? "\x1b[0m" : kAnsi[s % 8];
        current = s;
      }
      if (s < 0)
        out += ' ';
      else if (o.ascii)
        out += kAsciiMarks[s % 8];
      else if (c.stamp[cell] >= 0)
        out += kAsciiMarks[c.stamp[cell] % 8];
      else
        out += braille(c.bits[cell]);
    }
    if (o.color && current >= 0) out += "\x1b[0m";
    out += "\n";
  }
  // The x axis with a few tick labels under it.
  std::string axis = std::string(margin, ' ') + (o.ascii ? "+" : "\xe2\x94\x94");  // └
  for (int col = 0; col < o.width; ++col) axis += o.ascii ? "-" : "\xe2\x94\x80";  // ─
  out += axis + "\n";
  std::string ticks(margin + 1 + static_cast<std::size_t>(o.width) + 8, ' ');
  const std::vector<double> xt = nice_ticks(xr.lo, xr.hi, std::max(2, o.width / 14));
  const double step = xt.size() > 1 ? xt[1] - xt[0] : 1;
  std::size_t free_from = 0;
  for (double t : xt) {
    const std::string text = tick_label(t, step);
    const auto col = static_cast<std::size_t>(to_dot(t, xr, o.width, false));
    const std::size_t at = margin + 1 + col - std::min(col, text.size() / 2);
    if (at < free_from || at + text.size() > ticks.size()) continue;  // no overlapping labels
    ticks.replace(at, text.size(), text);
    free_from = at + text.size() + 1;
  }
  ticks.erase(ticks.find_last_not_of(' ') + 1);
  out += ticks + "   " + panel.x_label + "\n";
  // Legend: the series' marks (a colored braille block, or the series' own mark) and labels.
  std::string legend(margin + 1, ' ');
  for (std::size_t s = 0; s < panel.series.size(); ++s) {
    if (!panel.series[s].legend) continue;
    if (o.color) legend += kAnsi[s % 8];
    legend += o.color && !o.ascii ? braille(0xFF) : std::string(1, kAsciiMarks[s % 8]);
    if (o.color) legend += "\x1b[0m";
    legend += " " + panel.series[s].label + "  ";
  }
  out += legend + "\n";
  return out;
}

}  // namespace plot
