// core/graphviz.cpp — see graphviz.hpp.
#include "core/graphviz.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "core/error.hpp"

namespace tg {

namespace {

std::string short_values(const Tensor& t) {
  std::ostringstream s;
  s.precision(4);
  const std::vector<double> v = t.to_vector();
  if (v.size() <= 4) {
    s << "[";
    for (std::size_t i = 0; i < v.size(); ++i) s << (i ? ", " : "") << v[i];
    s << "]";
  } else {
    double norm = 0;
    for (double x : v) norm += x * x;
    s << "norm " << std::sqrt(norm);
  }
  return s.str();
}

struct DotWriter {
  std::ostringstream out;
  std::map<const TensorImpl*, std::string> ids;

  const std::string& tensor_node(const Tensor& t) {
    std::string id = "t";
    id += std::to_string(ids.size());
    auto [it, inserted] = ids.try_emplace(t.impl(), std::move(id));
    if (inserted) {
      out << "  " << it->second << " [shape=ellipse, label=\"";
      if (!t.name().empty()) out << t.name() << "\\n";
      out << to_string(t.shape()) << " " << dtype_name(t.dtype()) << "\\nvalue " << short_values(t);
      if (t.grad().defined()) out << "\\ngrad " << short_values(t.grad());
      out << "\"];\n";
    }
    return it->second;
  }
};

}  // namespace

std::string to_dot(const Tape& tape) {
  DotWriter w;
  w.out << "digraph tape {\n  rankdir=LR;\n  node [fontname=\"monospace\"];\n";
  std::size_t n = 0;
  for (const Record& rec : tape.records()) {
    const std::string op = "op" + std::to_string(n++);
    w.out << "  " << op << " [shape=box, style=filled, fillcolor=\"#dde6f0\", label=\"" << rec.op
          << "\"];\n";
    for (const Tensor& in : rec.inputs) w.out << "  " << w.tensor_node(in) << " -> " << op << ";\n";
    w.out << "  " << op << " -> " << w.tensor_node(rec.output) << ";\n";
  }
  w.out << "}\n";
  return w.out.str();
}

void write_dot(const Tape& tape, const std::string& path) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp);
    if (!f) fail("write_dot", "cannot open '", tmp, "' for writing");
    f << to_dot(tape);
    if (!f.flush()) fail("write_dot", "writing '", tmp, "' failed");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    fail("write_dot", "cannot rename '", tmp, "' to '", path, "'");
}

}  // namespace tg
