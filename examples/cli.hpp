// examples/cli.hpp — the small flag parser the example programs share.
//
// Layer: examples. Flags are "--name value" pairs, switches are a lone "--name", and "--help"
// prints the usage. Every value is checked: a
// number must be a whole number in the allowed range, and anything unknown or malformed ends
// the program with a message and the usage text (exit code 2), never a crash.
#pragma once

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <stdexcept>
#include <string>

namespace tg::cli {

class Flags {
 public:
  // `usage` is printed for --help (to stdout, exit 0) and after an error (to stderr, exit 2).
  Flags(std::string program, std::string usage)
      : program_(std::move(program)), usage_(std::move(usage)) {}

  // Declares a flag taking a value, with its default (as text).
  void add(const std::string& name, const std::string& default_value) {
    values_[name] = default_value;
  }
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
      values_[flag.substr(2)] = argv[++i];
      given_.insert(flag.substr(2));
    }
  }

  // Sets a flag the command line did not give (resuming a run fills in its original flags);
  // an unknown name is an error, as on the command line.
  void fill(const std::string& name, const std::string& value) {
    if (!values_.count(name)) error("unknown flag '--" + name + "'");
    if (!given(name)) values_[name] = value;
  }
  // The flags the command line gave, with their values.
  std::map<std::string, std::string> given_values() const {
    std::map<std::string, std::string> out;
    for (const std::string& name : given_) out[name] = values_.at(name);
    return out;
  }

  std::string text(const std::string& name) const { return values_.at(name); }
  // Whether the command line set this flag (rather than its default).
  bool given(const std::string& name) const { return given_.count(name) != 0; }
  bool on(const std::string& name) const { return switches_.at(name); }

  std::int64_t integer(const std::string& name, std::int64_t lo, std::int64_t hi) const {
    const std::string& v = values_.at(name);
    std::int64_t n = 0;
    const auto [end, status] = std::from_chars(v.data(), v.data() + v.size(), n);
    const bool whole =
        status == std::errc() && end == v.data() + v.size() && !v.empty() && v[0] != '-';
    if (!whole || n < lo || n > hi)
      error("--" + name + " must be a whole number from " + std::to_string(lo) + " to " +
            std::to_string(hi) + ", got '" + v + "'");
    return n;
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
  std::string program_, usage_;
  std::map<std::string, std::string> values_;
  std::map<std::string, bool> switches_;
  std::set<std::string> given_;
};

}  // namespace tg::cli
