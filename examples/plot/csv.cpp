// examples/plot/csv.cpp — see csv.hpp.
#include "plot/csv.hpp"

#include <cstdio>
#include <map>

#include "core/formats/file_io.hpp"

namespace plot {

namespace {
std::string field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);  // round-trips a double exactly
  return buf;
}
}  // namespace

std::string to_csv(const Panel& panel) {
  std::string out = "x";
  for (const Series& s : panel.series) {
    out += "," + field(s.label);
    if (!s.lower.empty()) out += "," + field(s.label + " lower") + "," + field(s.label + " upper");
  }
  out += "\n";
  // Row per distinct x (in order), cell per series: the index of that x in the series, or none.
  std::map<double, std::vector<long>> rows;
  for (std::size_t j = 0; j < panel.series.size(); ++j)
    for (std::size_t i = 0; i < panel.series[j].x.size(); ++i) {
      auto& cells = rows.try_emplace(panel.series[j].x[i], panel.series.size(), -1L).first->second;
      cells[j] = static_cast<long>(i);
    }
  for (const auto& [x, cells] : rows) {
    out += number(x);
    for (std::size_t j = 0; j < panel.series.size(); ++j) {
      const Series& s = panel.series[j];
      const long i = cells[j];
      out += "," + (i < 0 ? std::string() : number(s.y[static_cast<std::size_t>(i)]));
      if (!s.lower.empty())
        out += "," + (i < 0 ? std::string() : number(s.lower[static_cast<std::size_t>(i)])) + "," +
               (i < 0 ? std::string() : number(s.upper[static_cast<std::size_t>(i)]));
    }
    out += "\n";
  }
  return out;
}

void write_csv(const Panel& panel, const std::string& path) {
  tg::write_file_atomically(path, to_csv(panel));
}

}  // namespace plot
