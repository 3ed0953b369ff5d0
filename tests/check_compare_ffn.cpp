// tests/check_compare_ffn.cpp — the compare_ffn results in docs/ are one run, checked.
//
//   check_compare_ffn DOCS     DOCS is the docs/ folder; exit 1 unless every check is OK
//
// docs/compare-ffn.md shows a table and a figure from one `build/bin/compare_ffn` run, copied
// from the files the run wrote (results.md, heldout_loss.csv, heldout_loss.svg) into
// docs/images/compare_ffn_{results.md,heldout.csv,heldout.svg}. This checks that they agree:
//   - the page's table has the same rows (variant, parameters, FLOPs, loss mean ± std) as
//     results.md, and states the run's wall time as results.md records it;
//   - each mean in results.md is the CSV's last row for that variant, to the 4 printed decimals,
//     and the CSV's last step is the run's step count;
//   - the SVG is the figure compare_ffn draws from the CSV's numbers (compare_ffn_figure.hpp),
//     byte for byte.
// Each check prints OK or NOT OK with what differs (a test for docs_compare_ffn_one_run in
// tests/CMakeLists.txt). Regenerate all four files with one run: docs/compare-ffn.md says how.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "compare_ffn_figure.hpp"
#include "layers/ffn.hpp"
#include "plot/svg.hpp"

namespace {

int failures = 0;

void verdict(bool ok, const std::string& what, const std::string& detail = "") {
  std::cout << (ok ? "OK     " : "NOT OK ") << what << (ok || detail.empty() ? "" : ": " + detail)
            << "\n";
  if (!ok) ++failures;
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    verdict(false, "read " + path, "cannot open it");
    return "";
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, sep);) out.push_back(item);
  return out;
}

std::string trim(std::string s) {
  for (std::size_t at; (at = s.find("**")) != std::string::npos;) s.erase(at, 2);  // bold
  const std::size_t a = s.find_first_not_of(' '), b = s.find_last_not_of(' ');
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// The rows "| variant | parameters | FLOPs/token | loss |..." of the first results table in
// `text`, keyed by variant: the first four cells, trimmed and without bold markers.
std::map<std::string, std::vector<std::string>> table_rows(const std::string& text) {
  std::map<std::string, std::vector<std::string>> rows;
  const std::string table = text.substr(0, text.find("Timing"));
  for (const std::string& line : split(table, '\n')) {
    if (line.rfind("| ", 0) != 0 || line.find("---") != std::string::npos) continue;
    std::vector<std::string> cells = split(line.substr(1), '|');
    if (cells.size() < 4 || trim(cells[0]) == "variant") continue;
    cells.resize(4);
    for (std::string& c : cells) c = trim(c);
    rows[cells[0]] = cells;
  }
  return rows;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: check_compare_ffn DOCS\n";
    return 2;
  }
  const std::string docs = argv[1];
  const std::string page = read(docs + "/compare-ffn.md");
  const std::string results = read(docs + "/images/compare_ffn_results.md");
  const std::string csv = read(docs + "/images/compare_ffn_heldout.csv");
  const std::string svg = read(docs + "/images/compare_ffn_heldout.svg");
  if (failures) return 1;

  // The page's table is results.md's table.
  const auto ours = table_rows(results), shown = table_rows(page);
  verdict(!ours.empty(), "results.md has a results table");
  for (const auto& [name, cells] : ours) {
    const auto it = shown.find(name);
    std::string got = it == shown.end() ? "no row" : "";
    if (it != shown.end())
      for (std::size_t i = 0; i < 4; ++i)
        if (it->second[i] != cells[i])
          got += "'" + it->second[i] + "' where results.md has '" + cells[i] + "' ";
    verdict(got.empty(), "compare-ffn.md's row for " + name + " is results.md's", got);
  }
  verdict(shown.size() == ours.size(), "compare-ffn.md's table has results.md's variants",
          std::to_string(shown.size()) + " rows against " + std::to_string(ours.size()));

  // The run's length and wall time, stated once on the page as results.md records them.
  long steps = 0;
  int seeds = 0;
  verdict(std::sscanf(results.c_str(), "# compare_ffn: %ld steps, %d seeds", &steps, &seeds) == 2,
          "results.md names the run's steps and seeds");
  const std::size_t took = results.find("The whole run took ");
  std::string minutes;
  if (took != std::string::npos)
    minutes = results.substr(took + 19, results.find(' ', took + 19) - took - 19) + " minutes";
  verdict(took != std::string::npos, "results.md records the run's wall time");
  verdict(!minutes.empty() && page.find(minutes) != std::string::npos,
          "compare-ffn.md states the wall time results.md records (" + minutes + ")");

  // The CSV: header x, then per variant mean, lower, upper; its last row is the final evaluation.
  const std::vector<std::string> lines = split(csv, '\n');
  const std::vector<std::string> header = split(lines.at(0), ',');
  std::vector<tg::compare_ffn::Curve> curves;
  for (std::size_t col = 1; col + 2 < header.size(); col += 3) {
    tg::compare_ffn::Curve c;
    c.name = header[col];
    c.gated = tg::compare_ffn::drawn_solid(c.name);
    for (std::size_t r = 1; r < lines.size(); ++r) {
      if (lines[r].empty()) continue;
      const std::vector<std::string> f = split(lines[r], ',');
      c.x.push_back(std::stod(f.at(0)));
      c.mean.push_back(std::stod(f.at(col)));
      c.lower.push_back(std::stod(f.at(col + 1)));
      c.upper.push_back(std::stod(f.at(col + 2)));
    }
    curves.push_back(c);
  }
  verdict(curves.size() == ours.size(), "the CSV has results.md's variants",
          std::to_string(curves.size()) + " against " + std::to_string(ours.size()));
  for (const auto& c : curves) {
    verdict(!c.x.empty() && static_cast<long>(c.x.back()) == steps,
            "the CSV's " + c.name + " curve ends at the run's last step, " + std::to_string(steps));
    const auto it = ours.find(c.name);
    char mean[32] = "";
    if (!c.mean.empty()) std::snprintf(mean, sizeof mean, "%.4f ", c.mean.back());
    const std::string in_table = it == ours.end() ? "no row" : it->second[3];
    verdict(in_table.rfind(mean, 0) == 0,
            "results.md's mean for " + c.name + " is the CSV's final value " + mean,
            "results.md says '" + in_table + "'");
  }

  // The SVG is the figure of the CSV's numbers.
  const bool same = plot::to_svg(tg::compare_ffn::heldout_figure(curves)) == svg;
  verdict(same, "compare_ffn_heldout.svg is the figure compare_ffn draws from the CSV",
          "the SVG comes from another run (or another version of the plot code)");
  if (failures)
    std::cout << failures << " check(s) failed. Regenerate all three files with one run:\n"
              << "  build/bin/compare_ffn --out tapegrad-out/compare_ffn\n"
              << "and copy results.md, heldout_loss.csv and heldout_loss.svg into docs/images/ "
                 "as compare_ffn_results.md, compare_ffn_heldout.csv and compare_ffn_heldout.svg;\n"
              << "then update the table and the wall time in docs/compare-ffn.md.\n";
  return failures ? 1 : 0;
}
