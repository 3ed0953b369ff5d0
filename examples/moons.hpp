// examples/moons.hpp — the "two moons" data set and a picture of how a classifier splits the
// plane, shared by demo and second_order.
//
// Layer: examples (uses core/ and plot/).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/tapegrad.hpp"
#include "plot/figure.hpp"

namespace moons {

// Two interleaved half circles, n points each, with Gaussian noise of 0.1: class 0 on the upper
// one, class 1 on the lower. points (2n, 2) float32, labels 2n values in {0, 1}.
void two_moons(std::int64_t n, tg::Generator& gen, tg::Tensor& points,
               std::vector<std::int64_t>& labels);

// What `forward` (points (N, 2) -> logits (N, 2)) predicts over the plane: a panel with a
// heatmap of the predicted class (1: light blue, 0: white) on an 80 x 50 grid over x in [-2, 2],
// y in [-1.25, 1.75], the points of each class on top; `legend` names the classes.
plot::Panel boundary_panel(const std::function<tg::Tensor(const tg::Tensor&)>& forward,
                           const tg::Tensor& X, const std::vector<std::int64_t>& y,
                           std::string title, bool legend);

}  // namespace moons
