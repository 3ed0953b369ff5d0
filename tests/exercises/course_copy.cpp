// tests/exercises/course_copy.cpp — makes the learner's copy of the engine for the course.
//
// The course's pieces are regions of the engine's own files, marked by two comment lines:
//
//   // course ex19 begin: the tape's backward walk
//   ...the engine's code...
//   // course ex19 end
//
// A learner's copy (WORK, a folder laid out as the repository: WORK/core/tape.cpp, ...) holds
// the files of the pieces the learner has taken, each region of a taken piece replaced by its
// stub (tests/exercises/stubs/exNN.txt: the questions, and an error until it is written). The
// course's programs build against the engine with WORK's files in place of the originals.
//
//   course_copy ROOT WORK take exNN...   take pieces: their regions become stubs in WORK
//   course_copy ROOT WORK status         each piece: the engine's own, to write, or written
//   course_copy ROOT WORK refresh        bring WORK's files up to date with the engine
//   course_copy ROOT WORK copy           every marked file into WORK, no piece taken (a copy
//                                        of a file nobody edited equals the engine's, byte for
//                                        byte)
//   course_copy ROOT WORK write exNN FILE  FILE's text in every region of exNN, as if the
//                                        learner had written it (the course's tests of
//                                        deliberate mistakes use it); a FILE split by
//                                        "// course next region" lines gives each region
//                                        its own part, in file order
//
// Regenerating never overwrites what the learner wrote: a region of WORK whose text differs
// from the engine's is kept as it is, whatever the command. Everything outside the regions is
// the engine's, so a refresh brings the engine's changes in around the learner's code. A region
// of WORK that equals the engine's is the engine's own (not taken). Files are replaced through
// a temporary file and a rename, so an interrupted run leaves each file old or new, never half.
//
// Exit status: 0 done, 1 an error (named with the file and line), 2 a bad command line.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A file as lines, and whether its last line ended with a newline, so that it is written back
// byte for byte.
struct Text {
  std::vector<std::string> lines;
  bool final_newline = true;
};

Text read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Failure(path.string() + ": cannot read");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string all = buffer.str();
  Text t;
  std::size_t at = 0;
  while (at < all.size()) {
    const std::size_t end = all.find('\n', at);
    if (end == std::string::npos) {
      t.lines.push_back(all.substr(at));
      t.final_newline = false;
      break;
    }
    t.lines.push_back(all.substr(at, end - at));
    at = end + 1;
  }
  return t;
}

void write_text(const fs::path& path, const Text& t) {
  fs::create_directories(path.parent_path());
  const fs::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    for (std::size_t i = 0; i < t.lines.size(); ++i) {
      out << t.lines[i];
      if (i + 1 < t.lines.size() || t.final_newline) out << '\n';
    }
    out.flush();
    if (!out) throw Failure(temporary.string() + ": cannot write (disk full?)");
  }
  fs::rename(temporary, path);
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// A region: the lines strictly between its two markers, [first, last).
struct Region {
  std::string piece;  // "ex19"
  std::size_t begin_line = 0, first = 0, last = 0;
  std::string indent;  // the begin marker's, given to the stub's lines
};

// "// course ex19 begin: ..." -> ("ex19", "begin"); anything else -> ("", "").
std::pair<std::string, std::string> marker(const std::string& line) {
  const std::string t = trim(line);
  const std::string lead = "// course ";
  if (t.rfind(lead, 0) != 0) return {};
  std::istringstream words(t.substr(lead.size()));
  std::string piece, what;
  words >> piece >> what;
  if (!what.empty() && what.back() == ':') what.pop_back();
  if (piece.size() != 4 || piece.rfind("ex", 0) != 0 || (what != "begin" && what != "end"))
    return {};
  return {piece, what};
}

// Every region of a file, in order; regions may not nest, and each begin has its end.
std::vector<Region> regions_of(const Text& t, const std::string& name) {
  std::vector<Region> found;
  bool open = false;
  for (std::size_t i = 0; i < t.lines.size(); ++i) {
    const auto [piece, what] = marker(t.lines[i]);
    if (piece.empty()) continue;
    const std::string where = name + ":" + std::to_string(i + 1) + ": ";
    if (what == "begin") {
      if (open) throw Failure(where + "'" + piece + " begin' inside " + found.back().piece);
      Region r;
      r.piece = piece, r.begin_line = i, r.first = i + 1;
      r.indent = t.lines[i].substr(0, t.lines[i].find_first_not_of(" \t"));
      found.push_back(r);
      open = true;
    } else {
      if (!open || found.back().piece != piece)
        throw Failure(where + "'" + piece + " end' closes no '" + piece + " begin'");
      found.back().last = i;
      open = false;
    }
  }
  if (open)
    throw Failure(name + ":" + std::to_string(found.back().begin_line + 1) + ": '" +
                  found.back().piece + " begin' is never closed");
  return found;
}

std::vector<std::string> body(const Text& t, const Region& r) {
  return {t.lines.begin() + static_cast<std::ptrdiff_t>(r.first),
          t.lines.begin() + static_cast<std::ptrdiff_t>(r.last)};
}

// The engine's files that hold regions, relative to ROOT.
std::vector<fs::path> engine_files(const fs::path& root) {
  std::vector<fs::path> files;
  if (!fs::is_directory(root / "core"))
    throw std::invalid_argument("ROOT '" + root.string() + "' has no core/ folder: ROOT is the "
                                "repository's top folder (run from it with ROOT '.')");
  for (const char* folder : {"core", "activations", "layers"})
    for (const auto& entry : fs::recursive_directory_iterator(root / folder)) {
      const std::string ext = entry.path().extension().string();
      if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".hpp")) continue;
      const Text t = read_text(entry.path());
      for (const std::string& line : t.lines)
        if (!marker(line).first.empty()) {
          files.push_back(fs::relative(entry.path(), root));
          break;
        }
    }
  std::sort(files.begin(), files.end());  // "in file order" is the same on every machine
  return files;
}

// A text file's lines, indented like a region's begin marker.
std::vector<std::string> indented(const fs::path& path, const Region& r) {
  std::vector<std::string> lines;
  for (const std::string& line : read_text(path).lines)
    lines.push_back(line.empty() ? line : r.indent + line);
  return lines;
}

// The stub of a piece, indented like its begin marker.
std::vector<std::string> stub_of(const fs::path& root, const Region& r) {
  return indented(root / "tests/exercises/stubs" / (r.piece + ".txt"), r);
}

enum class State { Engine, ToWrite, Written };
const char* state_name(State s) {
  return s == State::Engine ? "the engine's own" : s == State::ToWrite ? "to write" : "written";
}

// Whether a region's body is a stub, of this version or an older one: comments and one call
// fail(...) that says the piece is "not written yet" (tests/exercises/stubs/), and nothing else.
// A region with any other line in it holds the learner's work, even with the stub still there.
bool is_stub(const std::vector<std::string>& lines) {
  bool in_fail = false, says = false;
  for (const std::string& line : lines) {
    const std::string t = trim(line);
    if (!in_fail && (t.empty() || t.rfind("//", 0) == 0)) continue;
    if (!in_fail && t.rfind("fail(", 0) != 0) return false;
    in_fail = true;
    says = says || t.find("not written yet") != std::string::npos;
    if (t.size() >= 2 && t.compare(t.size() - 2, 2, ");") == 0) in_fail = false;
  }
  return says && !in_fail;
}

// The learner's copy of one engine file: the engine's text, each region's body taken from the
// copy where the copy differs from the engine (the learner's work), else a stub for a piece
// being taken or still a stub in the copy (today's stub, should the stubs have changed), else
// the engine's own. Only the regions are the learner's: every other line is the engine's.
Text merged(const fs::path& root, const fs::path& work, const fs::path& file,
            const std::set<std::string>& take) {
  const Text engine = read_text(root / file);
  const std::vector<Region> engine_regions = regions_of(engine, (root / file).string());
  std::map<std::string, std::vector<std::vector<std::string>>> kept;  // piece -> bodies in order
  if (fs::exists(work / file)) {
    const Text copy = read_text(work / file);
    for (const Region& r : regions_of(copy, (work / file).string()))
      kept[r.piece].push_back(body(copy, r));
  }
  Text out;
  out.final_newline = engine.final_newline;
  std::map<std::string, std::size_t> seen;  // regions of each piece met so far in this file
  std::size_t at = 0;
  for (const Region& r : engine_regions) {
    out.lines.insert(out.lines.end(), engine.lines.begin() + static_cast<std::ptrdiff_t>(at),
                     engine.lines.begin() + static_cast<std::ptrdiff_t>(r.first));
    const std::vector<std::string> own = body(engine, r);
    const std::size_t k = seen[r.piece]++;
    const auto it = kept.find(r.piece);
    const bool has_copy = it != kept.end() && k < it->second.size();
    std::vector<std::string> chosen = own;
    if (has_copy && it->second[k] != own && !is_stub(it->second[k]))
      chosen = it->second[k];  // the learner's: never overwritten
    else if (take.count(r.piece) || (has_copy && is_stub(it->second[k])))
      chosen = stub_of(root, r);  // a stub, today's (an older one is replaced, and kept in .bak)
    out.lines.insert(out.lines.end(), chosen.begin(), chosen.end());
    at = r.last;
  }
  out.lines.insert(out.lines.end(), engine.lines.begin() + static_cast<std::ptrdiff_t>(at),
                   engine.lines.end());
  return out;
}

// Only the regions of a copy are the learner's. If the copy's file differs from what is about
// to replace it outside the regions (an #include added, a line edited elsewhere), the old file
// is kept beside it as FILE.bak and a warning names both, so that nothing typed is lost.
void keep_outside_edits(const fs::path& file, const Text& next) {
  if (!fs::exists(file)) return;
  const Text old = read_text(file);
  auto outside = [](const Text& t, const std::string& name) {
    std::vector<std::string> lines;
    std::size_t at = 0;
    for (const Region& r : regions_of(t, name)) {
      lines.insert(lines.end(), t.lines.begin() + static_cast<std::ptrdiff_t>(at),
                   t.lines.begin() + static_cast<std::ptrdiff_t>(r.first));
      at = r.last;
    }
    lines.insert(lines.end(), t.lines.begin() + static_cast<std::ptrdiff_t>(at), t.lines.end());
    return lines;
  };
  const bool outside_differs = outside(old, file.string()) != outside(next, file.string());
  bool stub_replaced = false;  // an older stub, replaced by today's
  const std::vector<Region> before = regions_of(old, file.string()), after = regions_of(next, file.string());
  for (std::size_t k = 0; k < before.size() && k < after.size(); ++k)
    stub_replaced = stub_replaced || (is_stub(body(old, before[k])) &&
                                      body(old, before[k]) != body(next, after[k]));
  if (!outside_differs && !stub_replaced) return;
  const fs::path backup = file.string() + ".bak";
  write_text(backup, old);
  std::cerr << "course_copy: " << file.string() << ": "
            << (outside_differs ? "your edits outside the regions are replaced by the engine's "
                                  "text (only the code between a piece's markers is yours)"
                                : "an older stub is replaced by today's")
            << "; the file as it was is kept in " << backup.string() << "\n";
}

int run(const std::vector<std::string>& args) {
  if (args.size() < 3) throw std::invalid_argument("needs ROOT WORK COMMAND");
  const fs::path root = args[0], work = args[1];
  const std::string command = args[2];
  // The copy is written, the engine only read: a WORK that is ROOT itself would put the stubs
  // into the engine's own files.
  if (fs::weakly_canonical(work) == fs::weakly_canonical(root))
    throw std::invalid_argument("WORK '" + work.string() + "' is ROOT '" + root.string() +
                                "': the copy needs a folder of its own, e.g. "
                                "tests/exercises/my_engine");
  const std::vector<fs::path> files = engine_files(root);
  // Every piece the engine marks, and where.
  std::map<std::string, std::vector<fs::path>> pieces;
  for (const fs::path& f : files)
    for (const Region& r : regions_of(read_text(root / f), (root / f).string()))
      if (pieces[r.piece].empty() || pieces[r.piece].back() != f) pieces[r.piece].push_back(f);
  if (pieces.empty())
    throw std::invalid_argument("ROOT '" + root.string() + "' marks no course piece: ROOT is the "
                                "repository's top folder");

  if (command == "take" || command == "refresh" || command == "copy") {
    std::set<std::string> take(args.begin() + 3, args.end());
    if (command == "take" && take.empty()) throw std::invalid_argument("take: name the pieces");
    if (command != "take" && !take.empty())
      throw std::invalid_argument(command + " takes no pieces");
    for (const std::string& p : take)
      if (!pieces.count(p)) {
        std::string known;
        for (const auto& [name, where] : pieces) known += (known.empty() ? "" : ", ") + name;
        throw std::invalid_argument("no piece '" + p + "' (the engine marks: " + known + "; the " +
                                    "other exercises are functions of tests/exercises/learner/, " +
                                    "each checked with: cmake --build build --target exNN)");
      }
    for (const fs::path& f : files) {
      bool wanted = command == "copy" || fs::exists(work / f);
      for (const Region& r : regions_of(read_text(root / f), (root / f).string()))
        wanted = wanted || take.count(r.piece) > 0;
      if (!wanted) continue;
      const Text next = merged(root, work, f, take);
      keep_outside_edits(work / f, next);
      write_text(work / f, next);
    }
    return 0;
  }
  if (command == "write") {
    if (args.size() != 5) throw std::invalid_argument("write takes a piece and a file");
    const std::string piece = args[3];
    if (!pieces.count(piece)) throw std::invalid_argument("no piece '" + piece + "'");
    // FILE's parts, split at "// course next region" lines: part n goes to the piece's n-th
    // region (in file order); a FILE of one part goes to every region of the piece.
    std::vector<std::vector<std::string>> parts(1);
    for (const std::string& line : read_text(args[4]).lines)
      if (trim(!line.empty() && line.back() == '\r' ? line.substr(0, line.size() - 1) : line) ==
          "// course next region")
        parts.emplace_back();
      else
        parts.back().push_back(line);
    std::size_t count = 0;
    for (const fs::path& f : pieces[piece])
      for (const Region& r : regions_of(read_text(root / f), (root / f).string()))
        count += r.piece == piece;
    if (parts.size() != 1 && parts.size() != count)
      throw std::runtime_error(args[4] + ": " + std::to_string(parts.size()) + " parts for " +
                               std::to_string(count) + " regions of " + piece);
    std::size_t seen = 0;  // regions of the piece in the files before this one
    for (const fs::path& f : pieces[piece]) {
      Text t = merged(root, work, f, {});
      const std::vector<Region> rs = regions_of(t, (work / f).string());
      std::size_t here = 0;
      for (const Region& r : rs) here += r.piece == piece;
      std::size_t n = seen + here;
      for (std::size_t k = rs.size(); k-- > 0;) {  // from the last, so earlier lines stay put
        if (rs[k].piece != piece) continue;
        const std::vector<std::string>& part = parts[parts.size() == 1 ? 0 : --n];
        std::vector<std::string> text;
        for (const std::string& line : part) text.push_back(line.empty() ? line : rs[k].indent + line);
        t.lines.erase(t.lines.begin() + static_cast<std::ptrdiff_t>(rs[k].first),
                      t.lines.begin() + static_cast<std::ptrdiff_t>(rs[k].last));
        t.lines.insert(t.lines.begin() + static_cast<std::ptrdiff_t>(rs[k].first), text.begin(),
                       text.end());
      }
      write_text(work / f, t);
      seen += here;
    }
    return 0;
  }
  if (command == "status") {
    if (args.size() != 3) throw std::invalid_argument("status takes no pieces");
    if (!fs::is_directory(work))
      throw Failure("no copy in '" + work.string() + "': make it with course_copy " +
                    root.string() + " " + work.string() + " take ex19");
    for (const auto& [piece, where] : pieces) {
      State state = State::Engine;
      for (const fs::path& f : where) {
        if (!fs::exists(work / f)) continue;
        const Text engine = read_text(root / f), copy = read_text(work / f);
        const std::vector<Region> er = regions_of(engine, (root / f).string());
        const std::vector<Region> cr = regions_of(copy, (work / f).string());
        for (std::size_t i = 0, j = 0; i < er.size(); ++i) {
          if (er[i].piece != piece) continue;
          while (j < cr.size() && cr[j].piece != piece) ++j;
          if (j == cr.size()) break;
          const std::vector<std::string> mine = body(copy, cr[j++]);
          if (mine == body(engine, er[i])) continue;
          const State s = is_stub(mine) ? State::ToWrite : State::Written;
          if (state == State::Engine || s == State::ToWrite) state = s;
        }
      }
      std::string in;
      for (const fs::path& f : where) in += (in.empty() ? "" : ", ") + f.string();
      std::printf("%s  %-16s  %s\n", piece.c_str(), state_name(state), in.c_str());
    }
    return 0;
  }
  throw std::invalid_argument("unknown command '" + command + "' (take, status, refresh, copy, write)");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::invalid_argument& e) {
    std::cerr << "course_copy: " << e.what()
              << "\nusage: course_copy ROOT WORK take exNN... | status | refresh | copy"
                 " | write exNN FILE\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "course_copy: " << e.what() << "\n";
    return 1;
  }
}
