// examples/moons.cpp — see moons.hpp.
#include "moons.hpp"

#include <cmath>
#include <numbers>

using namespace tg;

namespace moons {

void two_moons(std::int64_t n, Generator& gen, Tensor& points, std::vector<std::int64_t>& labels) {
  points = zeros({2 * n, 2});
  labels.assign(static_cast<std::size_t>(2 * n), 0);
  for (std::int64_t i = 0; i < 2 * n; ++i) {
    const bool lower = i >= n;
    const double t = std::numbers::pi * gen.uniform();
    const double x = lower ? 1 - std::cos(t) : std::cos(t);
    const double y = lower ? 0.5 - std::sin(t) : std::sin(t);
    points.set({i, 0}, x - 0.5 + 0.1 * gen.normal());
    points.set({i, 1}, y - 0.25 + 0.1 * gen.normal());
    labels[static_cast<std::size_t>(i)] = lower ? 1 : 0;
  }
}

plot::Panel boundary_panel(const std::function<Tensor(const Tensor&)>& forward, const Tensor& X,
                           const std::vector<std::int64_t>& y, std::string title, bool legend) {
  const plot::Range xr{-2, 2}, yr{-1.25, 1.75};  // room above the moons for the legend
  plot::Heatmap map;
  map.cols = 80, map.rows = 50;
  map.lo = 0, map.hi = 5;  // class 1 is 1/5 of the way to dark blue: a light shade
  Tensor grid = zeros({map.rows * map.cols, 2});
  for (int r = 0; r < map.rows; ++r)
    for (int c = 0; c < map.cols; ++c) {  // cell centres; row 0 is the top of the y range
      const std::int64_t i = r * map.cols + c;
      grid.set({i, 0}, xr.lo + (c + 0.5) * (xr.hi - xr.lo) / map.cols);
      grid.set({i, 1}, yr.hi - (r + 0.5) * (yr.hi - yr.lo) / map.rows);
    }
  NoGradGuard no_grad;
  for (std::int64_t k : argmax(forward(grid), 1)) map.values.push_back(static_cast<double>(k));
  plot::Panel p{std::move(title), "x", "y", {}, xr, yr, std::move(map)};
  for (std::int64_t cls : {0, 1}) {
    std::vector<double> px, py;
    for (std::size_t i = 0; i < y.size(); ++i)
      if (y[i] == cls) {
        px.push_back(X.at({static_cast<std::int64_t>(i), 0}));
        py.push_back(X.at({static_cast<std::int64_t>(i), 1}));
      }
    plot::Series& s =
        p.add(legend ? (cls ? "class 1 (lower moon)" : "class 0 (upper moon)") : "", px, py);
    s.line = false, s.markers = true, s.color = cls ? 0 : 1;  // blue, orange
  }
  return p;
}

}  // namespace moons
