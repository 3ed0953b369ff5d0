// examples/cli.hpp — the small flag parser the example programs share, and the guard every
// program's main() runs its body in.
//
// Layer: examples. Flags are "--name value" pairs, switches are a lone "--name", and "--help"
// prints the usage. Every value is checked here, in one place, before a program does any work:
// a number must be a whole number (or a real number) in the allowed range, a name one of the
// allowed names, and anything unknown or malformed ends the program with a message and the usage
// text (exit code 2), never a crash. A value that came from a file (a resumed run's saved flags)
// is reported with that file's path, so the user knows it was not typed.
//
// A program may declare its flags as one table (cli_usage.hpp's Spec: name, default, range,
// help): the usage text is then made from it, integer(name) / real(name) / choice(name) check
// against it, and read_config(FILE) reads the same flags from a JSON object (train_transformer's
// --config), the command line winning over the file.
//
// run_main() is the other half: a failure once the work has begun (a file that cannot be read,
// a full disk, memory that runs out) ends the program with one line, "program: what went wrong",
// and exit code 1.
#pragma once

#include <charconv>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <initializer_list>
#include <iostream>
#include <map>
#include <new>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli_usage.hpp"
#include "core/error.hpp"
#include "core/formats/file_io.hpp"
#include "core/formats/json.hpp"

namespace tg::cli {

// A whole number in [lo, hi] written in plain decimal digits ("12", not "+12", "1e3" or "0x10"),
// or nothing.
inline std::optional<std::int64_t> whole_number(const std::string& v, std::int64_t lo,
                                                std::int64_t hi) {
  std::int64_t n = 0;
  const auto [end, status] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || v[0] == '-' || status != std::errc() || end != v.data() + v.size() || n < lo ||
      n > hi)
    return std::nullopt;
  return n;
}

// A finite real number in [lo, hi] ("0.001", "1e-3"; not " 1", "nan" or "inf"), or nothing.
inline std::optional<double> real_number(const std::string& v, double lo, double hi) {
  double x = 0;
  const auto [end, status] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (v.empty() || status != std::errc() || end != v.data() + v.size() || !(x >= lo && x <= hi))
    return std::nullopt;
  return x;
}

// "a,b,c" -> {"a", "b", "c"}; an empty item ("a,,b", "a,") is kept, so that it can be refused.
inline std::vector<std::string> split_list(const std::string& list) {
  std::vector<std::string> out;
  std::string item;
  std::stringstream s(list);
  while (std::getline(s, item, ',')) out.push_back(item);
  if (!list.empty() && list.back() == ',') out.push_back("");
  return out;
}

class Flags {
 public:
  // A program whose flags are a table: the usage is made from it (head, the table, tail), and
  // every flag is declared with its default.
  Flags(std::string program, const std::string& head, std::vector<Spec> specs,
        const std::string& tail = "")
      : program_(std::move(program)), usage_(usage(head, specs, tail)) {
    for (const Spec& f : specs) {
      if (f.kind == Kind::Switch)
        add_switch(f.name);
      else
        add(f.name, f.default_value);
      specs_[f.name] = f;
    }
  }
  // `usage` is printed for --help (to stdout, exit 0) and after an error (to stderr, exit 2).
  Flags(std::string program, std::string usage)
      : program_(std::move(program)), usage_(std::move(usage)) {}

  // Declares a flag taking a value, with its default (as text).
  void add(const std::string& name, const std::string& default_value) {
    values_[name] = default_value;
  }
  // A flag whose value is a text in which '' is a text like any other (train_transformer's
  // --tokenize: the empty text's ids are an empty line), not a missing value.
  void allow_empty(const std::string& name) { empty_allowed_.insert(name); }
  // Declares a switch: off unless given.
  void add_switch(const std::string& name) {
    values_.erase(name);  // a name is either a flag or a switch
    switches_[name] = false;
  }

  void parse(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
      const std::string flag = argv[i];
      if (flag == "--help" || flag == "-h") {
        if (!exit_on_error) throw std::invalid_argument("help requested");
        std::cout << usage_;
        std::exit(0);
      }
      if (flag.rfind("--", 0) == 0 && switches_.count(flag.substr(2))) {
        switches_[flag.substr(2)] = true;
        continue;
      }
      if (flag.rfind("--", 0) != 0 || !values_.count(flag.substr(2)))
        error("unknown argument '" + flag + "'");
      if (i + 1 >= argc) error(flag + " needs a value");
      const std::string value = argv[++i];
      // An empty value is not "not given": `--save ''` once trained and saved nothing, exit 0
      // (issue 26). Every program's every flag refuses it; leaving the flag out gives the default.
      if (value.empty() && !empty_allowed_.count(flag.substr(2)))
        error(flag + " needs a value, got '' (leave the flag out for its default)");
      // Runs record their flags in JSON files (a checkpoint's metadata, config.json), and JSON
      // is UTF-8: a value that is not (a file name in Latin-1, say) would fail only when the
      // first checkpoint is written. Refused here instead, naming the byte.
      if (const std::size_t bad = json::invalid_utf8_at(value); bad != std::string::npos) {
        std::error_code no_file;  // advice for a path, or for a text
        const bool names_a_file = std::filesystem::exists(value, no_file);
        error(flag + " is not valid UTF-8 text (byte " + std::to_string(bad) + " of " +
              std::to_string(value.size()) +
              "); flags are recorded in JSON files, which are UTF-8: " +
              (names_a_file ? "rename the file to a UTF-8 name"
                            : "give the text in UTF-8 (the terminal's encoding may be another)"));
      }
      values_[flag.substr(2)] = value;
      given_.insert(flag.substr(2));
    }
  }

  // Sets a flag the command line did not give (resuming a run fills in its original flags).
  // `source` names the file the value came from: a bad value is reported with it. An unknown
  // name is an error, as on the command line.
  void fill(const std::string& name, const std::string& value, const std::string& source = "") {
    if (!values_.count(name))
      error("unknown flag '--" + name + "'" + (source.empty() ? "" : " in '" + source + "'"));
    if (given(name)) return;
    if (value.empty() && !empty_allowed_.count(name))  // as on the command line
      error("--" + name + " needs a value, got ''" +
            (source.empty() ? std::string() : " (saved in '" + source + "')"));
    values_[name] = value;
    if (!source.empty()) source_[name] = "saved in '" + source + "'";
  }

  // --config FILE: the flags of a JSON object whose keys are the flags' names without the dashes
  // ({"steps": 300, "ffn": "geglu", "reference": true}). A number for a number flag, a string
  // for the others, true or false for a switch; the command line wins over the file. A value
  // taken from it counts as given (it is recorded, and refused where it would do nothing, like a
  // typed one), and an error about it names the file and the key. Needs the table constructor.
  void read_config(const std::string& path) {
    const std::string text = read_file(path, 1 << 20, "--config");  // unreadable: exit 1
    json::Value doc;
    try {
      doc = json::parse(text);
    } catch (const Error& e) {
      error("--config: '" + path + "' is not a JSON file of flags: " + e.what());
    }
    if (!doc.is(json::Value::Kind::Object))
      error("--config: '" + path + "' must hold a JSON object of flags ({\"steps\": 300, ...})");
    for (std::size_t i = 0; i < doc.keys.size(); ++i) {
      const std::string& key = doc.keys[i];
      const json::Value& v = doc.values[i];
      const std::string where = "key \"" + key + "\" in '" + path + "'";
      const auto spec = specs_.find(key);
      if (spec == specs_.end() || key == "config")
        error("--config: unknown " + where +
              (key == "config" ? " (a config file cannot name another)"
                               : " (its keys are the flags' names without the dashes)"));
      const Kind kind = spec->second.kind;
      const bool number = kind == Kind::Integer || kind == Kind::Real;
      const json::Value::Kind wanted = kind == Kind::Switch ? json::Value::Kind::Bool
                                       : number             ? json::Value::Kind::Number
                                                            : json::Value::Kind::String;
      if (!v.is(wanted))
        error("--config: " + where + " must be " +
              (kind == Kind::Switch ? "true or false"
               : number             ? "a number"
                                    : "a string") +
              " (as --" + key +
              (spec->second.value_name.empty() ? "" : " " + spec->second.value_name) + "), got " +
              json_kind_name(v));
      if (kind == Kind::Switch) {
        if (v.boolean) switches_[key] = true;  // false: off, unless the command line says on
        continue;
      }
      if (given(key)) continue;  // the command line wins
      if (v.string.empty() && !number && !empty_allowed_.count(key))
        error("--" + key + " needs a value, got '' (" + where + ")");
      values_[key] = number ? shortest(v.number) : v.string;
      given_.insert(key);
      source_[key] = where;
    }
  }
  // The flags the command line gave, with their values.
  std::map<std::string, std::string> given_values() const {
    std::map<std::string, std::string> out;
    for (const std::string& name : given_) out[name] = values_.at(name);
    return out;
  }

  std::string text(const std::string& name) const { return values_.at(name); }
  // Whether the command line set this flag (rather than its default or a saved run).
  bool given(const std::string& name) const { return given_.count(name) != 0; }
  bool on(const std::string& name) const { return switches_.at(name); }

  // The table's checks: the value in the range (or among the choices) its Spec declares.
  std::int64_t integer(const std::string& name) const {
    const Spec& f = specs_.at(name);
    return integer(name, static_cast<std::int64_t>(f.lo), static_cast<std::int64_t>(f.hi));
  }
  double real(const std::string& name) const {
    const Spec& f = specs_.at(name);
    if (!f.above_lo) return real(name, f.lo, f.hi);
    const auto x = real_number(values_.at(name), f.lo, f.hi);
    if (!x || *x == f.lo) bad(name, "must be a number " + range_text(f));
    return *x;
  }
  std::string choice(const std::string& name) const {
    const std::string& v = values_.at(name);
    std::string names;
    for (const std::string& c : specs_.at(name).choices) {
      if (v == c) return v;
      names += (names.empty() ? "" : ", ") + c;
    }
    bad(name, "must be one of " + names);
  }
  // " (key \"steps\" in 'run.json')" for a value a file gave, "" for a typed one.
  std::string note(const std::string& name) const {
    const auto from = source_.find(name);
    return from == source_.end() ? "" : " (" + from->second + ")";
  }

  std::int64_t integer(const std::string& name, std::int64_t lo, std::int64_t hi) const {
    const auto n = whole_number(values_.at(name), lo, hi);
    if (!n)
      bad(name, "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
    return *n;
  }

  double real(const std::string& name, double lo, double hi) const {
    const auto x = real_number(values_.at(name), lo, hi);
    if (!x) bad(name, "must be a number from " + shown(lo) + " to " + shown(hi));
    return *x;
  }

  // The value, which must be one of `allowed`.
  std::string choice(const std::string& name, std::initializer_list<const char*> allowed) const {
    const std::string& v = values_.at(name);
    std::string names;
    for (const char* a : allowed) {
      if (v == a) return v;
      names += std::string(names.empty() ? "" : ", ") + a;
    }
    bad(name, "must be one of " + names);
  }

  // A comma-separated list whose every item is one of `allowed` (at least one item).
  std::vector<std::string> choices(const std::string& name,
                                   const std::vector<std::string>& allowed) const {
    const std::vector<std::string> items = split_list(values_.at(name));
    std::string names;
    for (const std::string& a : allowed) names += (names.empty() ? "" : ", ") + a;
    if (items.empty()) bad(name, "must list at least one of " + names);
    for (const std::string& item : items) {
      bool known = false;
      for (const std::string& a : allowed) known = known || item == a;
      if (!known) bad(name, "must list names from " + names + "; '" + item + "' is not one");
    }
    return items;
  }
  std::vector<std::string> choices(const std::string& name,
                                   std::initializer_list<const char*> allowed) const {
    return choices(name, std::vector<std::string>(allowed.begin(), allowed.end()));
  }

  // A comma-separated list of whole numbers, each in [lo, hi] (at least one).
  std::vector<std::int64_t> integers(const std::string& name, std::int64_t lo,
                                     std::int64_t hi) const {
    std::vector<std::int64_t> out;
    for (const std::string& item : split_list(values_.at(name))) {
      const auto n = whole_number(item, lo, hi);
      if (!n) break;
      out.push_back(*n);
    }
    if (out.empty() || out.size() != split_list(values_.at(name)).size())
      bad(name, "must list whole numbers from " + std::to_string(lo) + " to " + std::to_string(hi) +
                    ", separated by commas");
    return out;
  }

  // A flag that only means something with another: given without it, it would be ignored
  // silently, so it is refused.
  // With saved_too, a value restored from a saved run (fill) is held to it as well, naming the
  // file it came from.
  void needs(const std::string& name, bool condition, const std::string& what,
             bool saved_too = false) const {
    if (condition) return;
    if (given(name)) error("--" + name + " " + what + note(name));  // typed, or a config file's
    if (saved_too && source_.count(name)) error("--" + name + " " + what + note(name));
  }

  // "--NAME REQUIREMENT, got 'VALUE'", with the file the value came from if it was not typed.
  [[noreturn]] void bad(const std::string& name, const std::string& requirement) const {
    error("--" + name + " " + requirement + ", got '" + values_.at(name) + "'" + note(name));
  }

  [[noreturn]] void error(const std::string& message) const {
    if (!exit_on_error) throw std::invalid_argument(message);
    std::cerr << program_ << ": " << message << "\n" << usage_;
    std::exit(2);
  }

  // Programs end on a bad flag (usage, exit code 2); the fuzz harness turns that into an
  // exception instead, so it can try the next input.
  bool exit_on_error = true;

 private:
  static std::string json_kind_name(const json::Value& v) {
    switch (v.kind) {
      case json::Value::Kind::Null:
        return "null";
      case json::Value::Kind::Bool:
        return v.boolean ? "true" : "false";
      case json::Value::Kind::Number:
        return "the number " + shortest(v.number);
      case json::Value::Kind::String:
        return "the string " + json::quote(v.string);
      case json::Value::Kind::Array:
        return "an array";
      case json::Value::Kind::Object:
        return "an object";
    }
    return "a value";
  }
  // A JSON number as the command line would type it: 300, 0.001, 1e+20 (shortest round trip).
  static std::string shortest(double x) {
    char text[32];
    const auto [end, status] = std::to_chars(text, text + sizeof text, x);
    return std::string(text, end);
  }
  static std::string shown(double x) {
    std::ostringstream s;
    s << x;
    return s.str();
  }

  std::string program_, usage_;
  std::map<std::string, std::string> values_;
  std::map<std::string, bool> switches_;
  std::set<std::string> given_;
  std::set<std::string> empty_allowed_;        // allow_empty
  std::map<std::string, std::string> source_;  // flag -> the file its value came from, as a note
  std::map<std::string, Spec> specs_;          // the table constructor's flags
};

// A flag whose value is found wrong only once the work has begun, because it depends on the data
// (a vocabulary larger than the text allows, a held-out share that leaves too little to train
// on): still the flag's fault, so run_main ends with exit code 2, as for any bad flag. The
// message names the flag.
struct FlagError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// "PROGRAM: message", once: an error raised with the program's own name as its op
// (fail("train_transformer", ...)) is not prefixed a second time.
inline std::string without_program(const std::string& program, const std::string& message) {
  const std::string prefix = program + ": ";
  return message.rfind(prefix, 0) == 0 ? message : prefix + message;
}

// Runs a program's body and returns its exit code. Whatever goes wrong once the work has begun
// ends here as one line on stderr and exit code 1 (2 for a FlagError): a tg::Error or other
// exception by its message, and running out of memory by saying so and what to make smaller (a bare
// "std::bad_alloc" tells a learner nothing).
template <class Body>
int run_main(const char* program, Body&& body) {
  // A write past a file-size limit (ulimit -f) raises SIGXFSZ, which kills the process; ignored,
  // the write fails with EFBIG instead, and the writer reports it like a full disk.
  std::signal(SIGXFSZ, SIG_IGN);
  try {
    return body();
  } catch (const FlagError& e) {
    std::cerr << without_program(program, e.what()) << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << program
              << ": out of memory: the machine could not provide the memory this run needs; "
                 "make it smaller (fewer examples per batch or evaluation, a shorter sequence, "
                 "a smaller model)\n";
  } catch (const std::exception& e) {
    std::cerr << without_program(program, e.what()) << "\n";
  }
  return 1;
}

}  // namespace tg::cli
