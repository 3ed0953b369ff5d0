// examples/plot/tape_svg.cpp — see tape_svg.hpp.
#include "plot/tape_svg.hpp"

#include <algorithm>
#include <map>
#include <sstream>
#include <vector>

#include "core/formats/file_io.hpp"
#include "core/formats/graphviz.hpp"
#include "plot/svg.hpp"

namespace plot {

namespace {

constexpr double kBoxWidth = 150, kColumnGap = 46, kRowGap = 18, kLine = 15, kMargin = 20;
constexpr double kTitleHeight = 34;

struct Box {
  int column = 0;
  bool op = false;
  std::vector<std::string> lines;
  double x = 0, y = 0, height = 0;
};

}  // namespace

std::string tape_to_svg(const tg::Tape& tape, const std::string& title) {
  std::vector<Box> boxes;
  std::map<const tg::TensorImpl*, std::size_t> tensor_box;  // a tensor's box, once placed
  struct Arrow {
    std::size_t from, to;
    int slot = 0, slots = 1;  // the op's input slot: inputs arrive spread down its left side
  };
  std::vector<Arrow> arrows;
  auto tensor = [&](const tg::Tensor& t, int column) {
    const auto [it, fresh] = tensor_box.try_emplace(t.impl(), boxes.size());
    if (fresh) {
      Box b;
      b.column = column;
      if (!t.name().empty()) b.lines.push_back(t.name());
      b.lines.push_back(tg::to_string(t.shape()) + " " + tg::dtype_name(t.dtype()));
      b.lines.push_back("value " + tg::value_summary(t));
      if (t.grad().defined()) b.lines.push_back("grad " + tg::value_summary(t.grad()));
      boxes.push_back(b);
    }
    return it->second;
  };
  for (const tg::Record& r : tape.records()) {
    std::vector<std::size_t> inputs;
    int column = 0;
    for (const tg::Tensor& in : r.inputs) {
      inputs.push_back(tensor(in, 0));
      column = std::max(column, boxes[inputs.back()].column + 1);
    }
    Box op;
    op.column = column, op.op = true, op.lines = {r.op};
    boxes.push_back(op);
    const std::size_t op_box = boxes.size() - 1;
    for (std::size_t i = 0; i < inputs.size(); ++i)
      arrows.push_back({inputs[i], op_box, static_cast<int>(i), static_cast<int>(inputs.size())});
    arrows.push_back({op_box, tensor(r.output, column + 1)});
  }
  // Place the boxes: columns left to right, each stacked top to bottom.
  int columns = 0;
  for (const Box& b : boxes) columns = std::max(columns, b.column + 1);
  std::vector<double> next_y(static_cast<std::size_t>(columns), kMargin + kTitleHeight);
  double bottom = 0;
  for (Box& b : boxes) {
    b.height = 10 + kLine * static_cast<double>(b.lines.size());
    b.x = kMargin + b.column * (kBoxWidth + kColumnGap);
    b.y = next_y[static_cast<std::size_t>(b.column)];
    next_y[static_cast<std::size_t>(b.column)] += b.height + kRowGap;
    bottom = std::max(bottom, b.y + b.height);
  }
  const double width = 2 * kMargin + columns * kBoxWidth + (columns - 1) * kColumnGap;
  const double height = bottom + kRowGap / 2 + kMargin;  // room for an arrow below the boxes
  std::ostringstream s;
  s << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
    << "\" viewBox=\"0 0 " << width << " " << height << "\" font-family=\"monospace\" "
    << "font-size=\"11\">\n"
    << "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" "
    << "markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/>"
    << "</marker></defs>\n"
    << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    << "<text x=\"" << width / 2 << "\" y=\"" << kMargin + 8
    << "\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">" << escape(title)
    << "</text>\n";
  // The lowest box bottom in each column: an arrow that skips columns runs below them.
  std::vector<double> column_bottom(static_cast<std::size_t>(columns), 0);
  for (const Box& b : boxes)
    column_bottom[static_cast<std::size_t>(b.column)] =
        std::max(column_bottom[static_cast<std::size_t>(b.column)], b.y + b.height);
  for (const Arrow& arrow : arrows) {
    const Box &a = boxes[arrow.from], &b = boxes[arrow.to];
    const double x1 = a.x + kBoxWidth, y1 = a.y + a.height / 2, x2 = b.x;
    const double y2 = b.y + b.height * (arrow.slot + 1) / (arrow.slots + 1);
    s << "<polyline points=\"" << x1 << "," << y1 << " ";
    if (b.column - a.column > 1) {  // around the boxes in between, not through them
      double below = 0;
      for (int c = a.column + 1; c < b.column; ++c)
        below = std::max(below, column_bottom[static_cast<std::size_t>(c)]);
      below += kRowGap / 2;
      s << x1 + kColumnGap / 2 << "," << below << " " << x2 - kColumnGap / 2 << "," << below << " ";
    }
    s << x2 << "," << y2 << "\" fill=\"none\" stroke=\"#555\" marker-end=\"url(#arrow)\"/>\n";
  }
  for (const Box& b : boxes) {
    s << "<rect x=\"" << b.x << "\" y=\"" << b.y << "\" width=\"" << kBoxWidth << "\" height=\""
      << b.height << "\" rx=\"" << (b.op ? 10 : 3) << "\" fill=\"" << (b.op ? "#dde6f0" : "white")
      << "\" stroke=\"#333\"/>\n";
    for (std::size_t i = 0; i < b.lines.size(); ++i)
      s << "<text x=\"" << b.x + kBoxWidth / 2 << "\" y=\""
        << b.y + 5 + kLine * (static_cast<double>(i) + 0.8) << "\" text-anchor=\"middle\""
        << (b.op || i == 0 ? " font-weight=\"bold\"" : "") << ">" << escape(b.lines[i])
        << "</text>\n";
  }
  s << "</svg>\n";
  return s.str();
}

void write_tape_svg(const tg::Tape& tape, const std::string& title, const std::string& path) {
  tg::write_file_atomically(path, tape_to_svg(tape, title));
}

}  // namespace plot
