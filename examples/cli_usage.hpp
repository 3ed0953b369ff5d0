// examples/cli_usage.hpp — a program's flags as one table (cli::Spec), and the usage text made
// from it: each flag's name, value, help, range and default written once.
//
// Layer: examples. cli.hpp's Flags takes such a table (its table constructor), checks values
// against it and reads --config files with it.
#pragma once

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace tg::cli {

// One flag, declared once: its name, the word the usage shows for its value, its default (as
// text; "" for none), its type and range, and its help. A program's table of Specs is the one
// place a flag is described: the usage text is made from it (usage()), and Flags checks values
// against it (integer(name), real(name), choice(name)) and reads a config file with it
// (read_config).
enum class Kind { Text, Integer, Real, Choice, Switch };
struct Spec {
  std::string name, value_name, default_value;
  Kind kind = Kind::Text;
  double lo = 0, hi = 0;             // Integer, Real: the range
  bool above_lo = false;             // Real: lo itself excluded, "in (lo, hi]"
  std::vector<std::string> choices;  // Choice: the allowed values
  std::string help;                  // "{range}" and "{choices}" are filled in; else appended
};

inline std::string shown_number(double x) {
  std::ostringstream s;
  s.precision(15);
  s << x;
  return s.str();
}

// "0..1000000", "0..0.5" or "(0, 1]"; "copy | reverse | sort".
inline std::string range_text(const Spec& f) {
  if (f.kind == Kind::Choice) {
    std::string out;
    for (const std::string& c : f.choices) out += (out.empty() ? "" : " | ") + c;
    return out;
  }
  if (f.kind != Kind::Integer && f.kind != Kind::Real) return "";
  if (f.above_lo) return "in (" + shown_number(f.lo) + ", " + shown_number(f.hi) + "]";
  if (f.kind == Kind::Integer)
    return std::to_string(static_cast<std::int64_t>(f.lo)) + ".." +
           std::to_string(static_cast<std::int64_t>(f.hi));
  return shown_number(f.lo) + ".." + shown_number(f.hi);
}

// The usage text: `head` (its first line "usage: PROGRAM [flags]"), then one entry per flag,
// "  --name VALUE       help, range (default D)", wrapped at 100 columns; then `tail`.
inline std::string usage(const std::string& head, const std::vector<Spec>& specs,
                         const std::string& tail = "") {
  constexpr std::size_t kIndent = 21, kWidth = 100;
  std::string out = head;
  for (const Spec& f : specs) {
    std::string help = f.help;
    const std::string range = range_text(f);
    bool placed = false;  // the help says where the range goes
    for (const std::string slot : {"{range}", "{choices}"})
      if (const auto at = help.find(slot); at != std::string::npos)
        help.replace(at, slot.size(), range), placed = true;
    if (!placed && !range.empty()) help = help.empty() ? range : help + ", " + range;
    if (!f.default_value.empty()) help += " (default " + f.default_value + ")";
    std::string line = "  --" + f.name + (f.value_name.empty() ? "" : " " + f.value_name);
    line += line.size() < kIndent ? std::string(kIndent - line.size(), ' ') : "  ";
    std::istringstream words(help);
    bool first = true;
    for (std::string word; words >> word; first = false) {
      if (!first && line.size() + 1 + word.size() > kWidth) {
        out += line + "\n";
        line = std::string(kIndent, ' ') + word;
      } else {
        line += (first ? "" : " ") + word;
      }
    }
    out += line + "\n";
  }
  return out + tail;
}

}  // namespace tg::cli
