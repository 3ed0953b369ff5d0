// tests/docs_text.cpp — the pages' text is what a reader sees: no control bytes, and no LaTeX
// command that lost its backslash.
//
//   docs_text PAGE.md...   exit 1, naming page, line and column, if a page has either
//
// How a backslash gets lost: a script that writes "\frac" through a string with C escapes turns
// "\f" into a form feed, "\t" into a TAB, "\b" into a backspace, "\n" into a new line, and the
// page then renders "rac{…}", "ext{num}", "ar W" (issue 25 found all three in attention.md).
// Two checks catch it:
//   1. No byte below 0x20 other than the new line, and no DEL (0x7F), anywhere in a page.
//   2. Inside math ($…$ and $$…$$, outside code), no bare word that is a LaTeX command's name
//      (frac, sum, …) or such a name less the letter an escape swallows (rac, ext, abla, …).
//      Words inside \text{…}, \mathrm{…} and \operatorname{…} are prose and are skipped.
#include <cctype>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>

namespace {

// The commands the pages use, and more that a page might: a bare one is a lost backslash.
const std::set<std::string> kCommands = {
    "frac",         "tfrac",  "dfrac",      "text",      "textstyle",  "displaystyle", "bar",
    "hat",          "tilde",  "vec",        "sum",       "prod",       "int",          "sqrt",
    "partial",      "mathrm", "mathbf",     "mathbb",    "cdot",       "cdots",        "ldots",
    "dots",         "times",  "left",       "right",     "Bigl",       "Bigr",         "bigl",
    "bigr",         "quad",   "qquad",      "odot",      "otimes",     "nabla",        "alpha",
    "beta",         "gamma",  "delta",      "epsilon",   "varepsilon", "theta",        "lambda",
    "sigma",        "tau",    "phi",        "psi",       "omega",      "approx",       "infty",
    "leq",          "geq",    "neq",        "mapsto",    "begin",      "end",          "tanh",
    "operatorname", "top",    "underbrace", "overbrace", "boxed",      "rho",          "nu",
    "mu",           "pi",     "exp",        "log",       "max",        "min"};

// The words a lost escape leaves: a command whose first letter is one of C's escape letters
// (a b f n r t v), less that letter.
std::set<std::string> remnants() {
  std::set<std::string> out;
  for (const std::string& c : kCommands)
    if (c.size() > 2 && std::string("abfnrtv").find(c[0]) != std::string::npos)
      out.insert(c.substr(1));
  return out;
}

bool is_letter(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0;
}

// Checks the math of one line, outside `inline code`. A span opened on an earlier line of the
// paragraph ($$ or $) is carried in `in_display` and `in_inline` (a lost "\n" of "\nabla" breaks
// the line inside inline math).
int check_math(const std::string& page, int number, const std::string& line, bool& in_display,
               bool& in_inline, const std::set<std::string>& lost) {
  int faults = 0;
  bool in_code = false;
  int prose_depth = -1, depth = 0;  // inside \text{...}: the brace depth it opened at
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (!in_display && !in_inline && c == '`') {
      in_code = !in_code;
      continue;
    }
    if (in_code) continue;
    if (c == '\\' && i + 1 < line.size() && line[i + 1] == '$') {  // an escaped dollar
      ++i;
      continue;
    }
    if (c == '$') {
      if (i + 1 < line.size() && line[i + 1] == '$') {
        in_display = !in_display;
        ++i;
      } else if (!in_display) {
        in_inline = !in_inline;
      }
      depth = 0, prose_depth = -1;
      continue;
    }
    if (!in_display && !in_inline) continue;
    if (c == '{') ++depth;
    if (c == '}' && --depth < prose_depth) prose_depth = -1;
    if (!is_letter(c)) continue;
    std::size_t end = i;
    while (end < line.size() && is_letter(line[end])) ++end;
    const std::string word = line.substr(i, end - i);
    const bool command = i > 0 && line[i - 1] == '\\';
    if (command && (word == "text" || word == "mathrm" || word == "operatorname") &&
        end < line.size() && line[end] == '{' && prose_depth < 0)
      prose_depth = depth + 1;
    if (!command && prose_depth < 0 && word.size() >= 2 &&
        (kCommands.count(word) || lost.count(word))) {
      std::string was = "\\" + word;  // the command it was: itself, or with the swallowed letter
      if (!kCommands.count(word))
        for (const char e : std::string("abfnrtv"))
          if (kCommands.count(e + word)) was = "\\" + (e + word);
      std::cerr << page << ":" << number << ":" << i + 1 << ": '" << word
                << "' in math has lost its backslash (was it " << was << "?): " << line << "\n";
      ++faults;
    }
    i = end - 1;
  }
  return faults;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: docs_text PAGE.md...\n";
    return 2;
  }
  const std::set<std::string> lost = remnants();
  int faults = 0;
  for (int a = 1; a < argc; ++a) {
    const std::string page = argv[a];
    std::ifstream in(page, std::ios::binary);
    if (!in) {
      std::cerr << "docs_text: cannot open '" << page << "'\n";
      return 2;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    int number = 1, column = 1;
    for (const char c : text) {
      const auto byte = static_cast<unsigned char>(c);
      if ((byte < 0x20 && c != '\n') || byte == 0x7F) {
        std::cerr << page << ":" << number << ":" << column << ": control byte 0x" << std::hex
                  << int(byte) << std::dec << " (a lost backslash, as in \\t, \\b or \\f?)\n";
        ++faults;
      }
      if (c == '\n') ++number, column = 0;
      ++column;
    }
    std::istringstream lines(text);
    bool in_fence = false, in_display = false, in_inline = false;
    number = 0;
    for (std::string line; std::getline(lines, line);) {
      ++number;
      if (line.rfind("```", 0) == 0 || line.rfind("    ```", 0) == 0) {
        in_fence = !in_fence;
        continue;
      }
      if (line.find_first_not_of(" ") == std::string::npos) in_inline = false;  // a paragraph ends
      if (!in_fence) faults += check_math(page, number, line, in_display, in_inline, lost);
    }
  }
  if (faults) {
    std::cerr << "docs_text: " << faults << " fault(s)\n";
    return 1;
  }
  std::cout << "docs_text: " << argc - 1 << " pages clean\n";
  return 0;
}
