// tests/exercises/compare_losses.cpp — the course's goal in numbers: the learner's engine gives
// the engine's own losses, step by step.
//
//   compare_losses REFERENCE.txt YOURS.txt STEPS RELATIVE
//
// Both files are train_transformer's --loss-log ("step loss" per line). The first STEPS steps
// must be in both, each loss within RELATIVE of the reference's (|yours - ref| <= RELATIVE |ref|).
// Exit 0 and a line saying so; else exit 1 naming the first step that differs, both losses with
// 9 digits and their relative difference. Exit 2 for a bad command line or an unreadable file.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <string>

namespace {
// step -> loss; false if the file cannot be read or a line is not "step loss". The loss is read
// with strtod, which also reads "nan" and "inf": a diverged run's log is compared, not refused.
bool read_log(const char* path, std::map<long long, double>& out) {
  std::ifstream in(path);
  if (!in) return false;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    char* end = nullptr;
    const long long step = std::strtoll(line.c_str(), &end, 10);
    char* after = nullptr;
    const double loss = std::strtod(end, &after);
    if (end == line.c_str() || after == end) return false;
    while (*after == ' ' || *after == '\r') ++after;
    if (*after != '\0') return false;
    out[step] = loss;
  }
  return true;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: compare_losses REFERENCE.txt YOURS.txt STEPS RELATIVE\n";
    return 2;
  }
  std::map<long long, double> ref, mine;
  for (auto [path, log] : {std::pair{argv[1], &ref}, std::pair{argv[2], &mine}})
    if (!read_log(path, *log)) {
      std::cerr << "compare_losses: cannot read '" << path << "' as \"step loss\" lines\n";
      return 2;
    }
  const long long steps = std::atoll(argv[3]);
  const double relative = std::atof(argv[4]);
  if (steps < 1 || !(relative > 0)) {
    std::cerr << "compare_losses: STEPS must be >= 1 and RELATIVE > 0\n";
    return 2;
  }
  for (long long s = 1; s <= steps; ++s) {
    if (!ref.count(s) || !mine.count(s)) {
      std::printf("course: step %lld is missing from %s\n", s, ref.count(s) ? argv[2] : argv[1]);
      return 1;
    }
    const double r = ref[s], y = mine[s], diff = std::abs(y - r) / std::abs(r);
    if (!(diff <= relative)) {
      std::printf("course: your engine's loss at step %lld is %.9g, the engine's own %.9g "
                  "(relative difference %.2g, more than %g): a piece differs; run the checks "
                  "(course_progress)\n",
                  s, y, r, diff, relative);
      return 1;
    }
  }
  std::printf("course: your engine gives the engine's own losses for the first %lld steps "
              "(within %g)\n",
              steps, relative);
  return 0;
}
