// tests/fuzz/fuzz_text.cpp — libFuzzer harness for the character-level text task (any bytes as a
// training text): building the vocabulary, sampling windows, encoding a prompt, the entropy.
// Any input must work or be rejected with tg::Error.
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "core/random.hpp"
#include "tasks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    tg::tasks::CharTask task(text, 8, "fuzz");
    tg::Generator gen(size);
    const tg::tasks::Batch b = task.sample(3, gen);
    for (std::size_t i = 0; i < b.x.size(); ++i)
      if (b.x[i] < 0 || b.x[i] >= task.vocab() || b.y[i] < 0 || b.y[i] >= task.vocab())
        __builtin_trap();
    std::string error;
    task.encode(text.substr(0, 16), error);
    (void)task.unigram_entropy();
  } catch (const tg::Error&) {
  }
  return 0;
}
