// core/formats/print.cpp — see print.hpp.
#include "core/formats/print.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>

namespace tg {

namespace {

constexpr std::int64_t kSummarizeAbove = 1000;  // PyTorch's default threshold
constexpr std::int64_t kEdgeItems = 3;

enum class Style { Whole, Fixed, Scientific };

std::string format(double v, Style style) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  if (style == Style::Whole)
    std::snprintf(buf, sizeof buf, "%.0f.", v);
  else if (style == Style::Fixed)
    std::snprintf(buf, sizeof buf, "%.4f", v);
  else
    std::snprintf(buf, sizeof buf, "%.4e", v);
  return buf;
}

Style choose_style(const std::vector<double>& values) {
  bool whole = true;
  double largest = 0, smallest = INFINITY;
  for (double v : values) {
    if (!std::isfinite(v)) continue;
    whole = whole && v == std::trunc(v);
    const double a = std::abs(v);
    largest = std::max(largest, a);
    if (a > 0) smallest = std::min(smallest, a);
  }
  if (largest >= 1e8) return Style::Scientific;
  if (whole) return Style::Whole;
  if (smallest < 1e-4) return Style::Scientific;
  return Style::Fixed;
}

struct Printer {
  const Shape& shape;
  const std::vector<double>& values;
  Style style;
  std::size_t width;
  bool summarize;
  std::ostringstream out;

  // The indices of axis d to show: all, or the first and last kEdgeItems around a gap (-1).
  std::vector<std::int64_t> shown(std::size_t d) const {
    std::vector<std::int64_t> idx;
    const std::int64_t n = shape[d];
    if (summarize && n > 2 * kEdgeItems) {
      for (std::int64_t i = 0; i < kEdgeItems; ++i) idx.push_back(i);
      idx.push_back(-1);
      for (std::int64_t i = n - kEdgeItems; i < n; ++i) idx.push_back(i);
    } else {
      for (std::int64_t i = 0; i < n; ++i) idx.push_back(i);
    }
    return idx;
  }

  // Prints the sub-tensor of axis d starting at flat offset `base`; `indent` is its column.
  void print(std::size_t d, std::int64_t base, std::size_t indent) {
    if (d == shape.size()) {
      std::string s = format(values[static_cast<std::size_t>(base)], style);
      out << std::string(width - std::min(width, s.size()), ' ') << s;
      return;
    }
    const std::int64_t stride =
        numel(Shape(shape.begin() + static_cast<std::ptrdiff_t>(d) + 1, shape.end()));
    const bool last_axis = d + 1 == shape.size();
    out << "[";
    const std::vector<std::int64_t> idx = shown(d);
    for (std::size_t k = 0; k < idx.size(); ++k) {
      if (k > 0) {
        out << ",";
        if (last_axis)
          out << " ";
        else
          out << std::string(shape.size() - d - 1, '\n') << std::string(indent + 1, ' ');
      }
      if (idx[k] < 0)
        out << "...";
      else
        print(d + 1, base + idx[k] * stride, indent + 1);
    }
    out << "]";
  }
};

}  // namespace

std::ostream& operator<<(std::ostream& os, const Tensor& t) {
  if (!t.defined()) return os << "tensor(undefined)";
  const std::vector<double> values = t.to_vector();
  const Style style = choose_style(values);
  std::size_t width = 0;
  for (double v : values) width = std::max(width, format(v, style).size());
  Printer p{t.shape(), values, style, width, t.numel() > kSummarizeAbove, {}};
  if (t.numel() == 0) {
    p.out << "[]";
  } else {
    p.print(0, 0, 7);  // 7 = the width of "tensor("
  }
  os << "tensor(" << p.out.str();
  if (t.numel() == 0) os << ", size=" << to_string(t.shape());
  if (t.dtype() != float32) os << ", dtype=" << dtype_name(t.dtype());
  if (t.is_leaf() && t.requires_grad()) os << ", requires_grad=True";
  if (!t.is_leaf()) os << ", grad_fn=<" << t.op() << ">";
  return os << ")";
}

std::string to_string(const Tensor& t) {
  std::ostringstream os;
  os << t;
  return os.str();
}

}  // namespace tg
