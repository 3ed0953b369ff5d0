// examples/plot/svg.hpp — draws a Figure as an SVG file that any browser shows.
//
// Layer: examples. Each panel gets a frame, a light grid at round-number ticks, tick labels,
// axis labels, a title and a legend; series are polylines (broken at NaN or inf), optionally
// with markers and a shaded band. Everything outside the axis ranges is clipped.
#pragma once

#include <string>

#include "plot/figure.hpp"

namespace plot {

// Where a panel's plotting area sits in the SVG, in pixels (y grows downwards).
struct Rect {
  double x, y, width, height;
};
Rect plot_area(const Figure& figure, int panel);

// The pixel position of data value v on an axis spanning `range` over [start, start + length];
// flipped for y, so that larger values are drawn higher.
double to_pixel_x(double v, Range range, const Rect& area);
double to_pixel_y(double v, Range range, const Rect& area);

std::string to_svg(const Figure& figure);

// text with & < > " written as XML entities, for a <text> element or an attribute.
std::string escape(const std::string& text);

// Writes to_svg(figure) to `path` through a temporary file renamed into place. Throws
// std::runtime_error naming the path if it cannot.
void write_svg(const Figure& figure, const std::string& path);

}  // namespace plot
