// core/formats/graphviz.cpp — see graphviz.hpp.
#include "core/formats/graphviz.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "core/error.hpp"
#include "core/formats/file_io.hpp"

namespace tg {

std::string value_summary(const Tensor& t) {
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

namespace {

// A name as a DOT string body: quotes and backslashes escaped.
std::string escaped(const std::string& name) {
  std::string s;
  for (char c : name) {
    if (c == '"' || c == '\\') s += '\\';
    s += c;
  }
  return s;
}

// Node declarations and edges go to separate streams, so that declaring a tensor the first
// time it is met never lands in the middle of an edge statement.
struct DotWriter {
  std::ostringstream nodes, edges;
  std::map<const TensorImpl*, std::string> ids;

  const std::string& tensor_node(const Tensor& t) {
    std::string id = "t";
    id += std::to_string(ids.size());
    auto [it, inserted] = ids.try_emplace(t.impl(), std::move(id));
    if (inserted) {
      nodes << "  " << it->second << " [shape=ellipse, label=\"";
      if (!t.name().empty()) nodes << escaped(t.name()) << "\\n";
      nodes << to_string(t.shape()) << " " << dtype_name(t.dtype()) << "\\nvalue "
            << value_summary(t);
      if (t.grad().defined()) nodes << "\\ngrad " << value_summary(t.grad());
      nodes << "\"];\n";
    }
    return it->second;
  }
};

}  // namespace

std::string to_dot(const Tape& tape) {
  DotWriter w;
  std::size_t n = 0;
  for (const Record& rec : tape.records()) {
    const std::string op = "op" + std::to_string(n++);
    w.nodes << "  " << op << " [shape=box, style=filled, fillcolor=\"#dde6f0\", label=\"" << rec.op
            << "\"];\n";
    for (const Tensor& in : rec.inputs)
      w.edges << "  " << w.tensor_node(in) << " -> " << op << ";\n";
    const std::string& out = w.tensor_node(rec.output);
    w.edges << "  " << op << " -> " << out << ";\n";
  }
  return "digraph tape {\n  rankdir=LR;\n  node [fontname=\"monospace\"];\n" + w.nodes.str() +
         w.edges.str() + "}\n";
}

void write_dot(const Tape& tape, const std::string& path) {
  write_file_atomically(path, to_dot(tape));
}

}  // namespace tg
