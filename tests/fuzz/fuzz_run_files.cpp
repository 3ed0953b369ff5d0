// tests/fuzz/fuzz_run_files.cpp — libFuzzer harness for what --load and --resume read besides
// the safetensors data: config.json and vocab.json (io::parse_run: ranges, names, the size
// limit) and a checkpoint's metadata (io::parse_run_state: the step, two generator states and
// the saved flags). The input is split at NUL bytes into
//   config.json \0 vocab.json \0 step \0 train generator \0 sample generator \0 flags JSON
// and missing parts are missing keys. Any input must work or be rejected with tg::Error.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "checkpoint_io.hpp"
#include "core/error.hpp"
#include "run_checkpoint.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts;
  std::size_t from = 0;
  for (std::size_t nul; (nul = input.find('\0', from)) != std::string::npos; from = nul + 1)
    parts.push_back(input.substr(from, nul - from));
  parts.push_back(input.substr(from));
  const std::size_t present = parts.size();
  parts.resize(6, "");
  try {
    const tg::io::SavedRun run = tg::io::parse_run(parts[0], parts[1], "config.json", "vocab.json");
    // What the program relies on after a successful parse.
    if (static_cast<std::int64_t>(run.tokens.size()) != run.config.vocab_size ||
        run.config.hidden_size % run.config.num_attention_heads != 0)
      __builtin_trap();
  } catch (const tg::Error&) {
  }
  std::map<std::string, std::string> metadata;
  const char* keys[] = {"tapegrad.step", "tapegrad.rng.train", "tapegrad.rng.sample",
                        "tapegrad.flags"};
  for (std::size_t k = 0; k < 4; ++k)
    if (2 + k < present) metadata[keys[k]] = parts[2 + k];
  try {
    const tg::io::RunState state = tg::io::parse_run_state(metadata, "checkpoint.safetensors");
    if (state.step < 0) __builtin_trap();
  } catch (const tg::Error&) {
  }
  return 0;
}
