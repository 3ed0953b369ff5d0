// tests/fuzz/fuzz_flags.cpp — libFuzzer harness for the programs' flag parser (examples/cli.hpp).
// The input is split at NUL bytes into command-line words, parsed against train_transformer's
// flags, and every value read back as the programs do; any input must parse or be rejected with
// std::invalid_argument.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> words = {"program"};
  std::string current;
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      words.push_back(current);
      current.clear();
    } else {
      current += static_cast<char>(data[i]);
    }
  }
  words.push_back(current);
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  tg::cli::Flags flags("fuzz", "usage\n");
  flags.exit_on_error = false;
  for (const char* name : {"task", "steps", "seed", "lr", "out"}) flags.add(name, "1");
  flags.add_switch("quick");
  try {
    flags.parse(static_cast<int>(argv.size()), argv.data());
    flags.integer("steps", 0, 1000000);
    flags.integer("seed", 0, 1LL << 62);
    (void)flags.text("task");
    (void)flags.on("quick");
    (void)flags.given("lr");
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
