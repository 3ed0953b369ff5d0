// tests/docs_quotes.cpp — keeps the code quoted in docs/ identical to the real files, and the
// program output shown in docs/ identical to what the programs print.
//
//   docs_quotes --check  ROOT BIN PAGE.md...   exit 1, naming page and file, if anything is stale
//   docs_quotes --update ROOT BIN PAGE.md...   rewrite the quoted blocks and outputs
//   docs_quotes --check-quotes ROOT BIN PAGE.md...   the quotes only (for a build whose last
//                                                     digits differ: TAPEGRAD_NATIVE=OFF)
//
// A page quotes code with a marker line, then a ```cpp block:
//
//   <!-- quote: core/tape.cpp | void accumulate_grad( -->
//   ```cpp
//   ...
//   ```
//
// The quote is the file's first line containing the text after "|", down to the first later
// line that closes it at the same indentation ("}" or "};"), or that line alone if it ends
// with ";" (a declaration). A course piece is quoted by its marker, "| // course ex19 begin":
// the region down to its "// course ex19 end".
//
// A page shows a program's output with a marker naming the command (a program in BIN, the
// build's bin/ folder, and its flags), then a ```text block:
//
//   <!-- output: ffn_params --d 512 -->
//   ```text
//   ...exactly what `build/bin/ffn_params --d 512` prints...
//   ``` So a page quotes whole functions, structs or loops, and `--update` can refresh them.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::vector<std::string> read_lines(const std::string& path, bool& ok) {
  std::ifstream in(path);
  ok = static_cast<bool>(in);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// The quoted region of `file` starting at the first line containing `start`; empty if none.
std::vector<std::string> extract(const std::vector<std::string>& file, const std::string& start) {
  for (std::size_t i = 0; i < file.size(); ++i) {
    if (file[i].find(start) == std::string::npos) continue;
    const std::string indent = file[i].substr(0, file[i].find_first_not_of(' '));
    std::vector<std::string> region{file[i]};
    // A course piece's region: from "// course exNN begin" down to "// course exNN end".
    const std::string t = trim(file[i]);
    if (t.rfind("// course ex", 0) == 0 && t.find(" begin") != std::string::npos) {
      const std::string end = t.substr(0, t.find(" begin")) + " end";
      for (std::size_t j = i + 1; j < file.size(); ++j) {
        region.push_back(file[j]);
        if (trim(file[j]) == end) return region;
      }
      return {};
    }
    if (t.back() == ';') return region;
    for (std::size_t j = i + 1; j < file.size(); ++j) {
      region.push_back(file[j]);
      if (file[j] == indent + "}" || file[j] == indent + "};") return region;
    }
    return {};
  }
  return {};
}

// The lines a command prints on stdout; ok is false if it could not run or exited non-zero.
std::vector<std::string> run(const std::string& command, bool& ok) {
  std::vector<std::string> lines;
  FILE* pipe = popen(command.c_str(), "r");
  ok = pipe != nullptr;
  if (!pipe) return lines;
  std::string text;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) text.append(buffer, n);
  ok = pclose(pipe) == 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (argc < 4 || (mode != "--check" && mode != "--update" && mode != "--check-quotes")) {
    std::cerr << "usage: docs_quotes --check|--update|--check-quotes ROOT BIN PAGE.md...\n";
    return 2;
  }
  const bool update = mode == "--update", outputs = mode != "--check-quotes";
  const std::string root = argv[2], bin = argv[3];
  int stale = 0;
  for (int a = 4; a < argc; ++a) {
    const std::string page = argv[a];
    bool ok = false;
    std::vector<std::string> lines = read_lines(page, ok);
    if (!ok) {
      std::cerr << page << ": cannot read\n";
      return 2;
    }
    std::vector<std::string> out;
    int quotes = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      out.push_back(lines[i]);
      // A marker names where the block's true content comes from; the block after it must
      // hold exactly that content.
      const std::string marker = trim(lines[i]);
      std::string fence, mismatch;
      std::vector<std::string> fresh;
      if (marker.rfind("<!-- output:", 0) == 0 && outputs) {
        const auto close = marker.rfind("-->");
        const std::string command = trim(marker.substr(12, close - 12));
        fence = "```text";
        bool ran = false;
        fresh = run(bin + "/" + command, ran);
        if (!ran) {
          std::cerr << page << ":" << i + 1 << ": '" << command << "' failed to run\n";
          return 1;
        }
        mismatch = "'" + command + "' prints something else than the page shows";
      } else if (marker.rfind("<!-- quote:", 0) == 0) {
        const auto bar = marker.find('|'), close = marker.rfind("-->");
        if (bar == std::string::npos || close == std::string::npos || close < bar) {
          std::cerr << page << ":" << i + 1 << ": write markers as <!-- quote: FILE | START -->\n";
          return 2;
        }
        const std::string file = trim(marker.substr(11, bar - 11));
        const std::string start = trim(marker.substr(bar + 1, close - bar - 1));
        fence = "```cpp";
        bool file_ok = false;
        fresh = extract(read_lines(root + "/" + file, file_ok), start);
        if (!file_ok || fresh.empty()) {
          std::cerr << page << ":" << i + 1 << ": " << file << " has no code starting with '"
                    << start << "'\n";
          return 1;
        }
        mismatch = "the quote of " + file + " starting '" + start + "' differs from the file";
      } else {
        continue;
      }
      if (i + 1 >= lines.size() || trim(lines[i + 1]) != fence) {
        std::cerr << page << ":" << i + 1 << ": a " << fence << " block must follow the marker\n";
        return 2;
      }
      std::size_t end = i + 2;
      while (end < lines.size() && trim(lines[end]) != "```") ++end;
      const std::vector<std::string> shown(lines.begin() + static_cast<std::ptrdiff_t>(i) + 2,
                                           lines.begin() + static_cast<std::ptrdiff_t>(end));
      ++quotes;
      if (fresh != shown) {
        ++stale;
        if (!update)
          std::cerr << page << ":" << i + 1 << ": " << mismatch
                    << "; run: build/bin/docs_quotes --update . build/bin " << page << "\n";
      }
      out.push_back(lines[i + 1]);
      out.insert(out.end(), fresh.begin(), fresh.end());
      i = end - 1;  // the closing fence is copied by the next iteration
    }
    if (update) {
      std::ofstream o(page + ".tmp");
      for (const std::string& line : out) o << line << "\n";
      o.close();
      if (!o || std::rename((page + ".tmp").c_str(), page.c_str()) != 0) {
        std::cerr << page << ": cannot rewrite\n";
        return 2;
      }
    }
    std::cout << page << ": " << quotes << " quotes and outputs"
              << (update ? " refreshed" : " checked") << "\n";
  }
  return stale && !update ? 1 : 0;
}
