// tests/fuzz/fuzz_tokenizer.cpp — libFuzzer harness for the BPE tokenizer (examples/text/): any
// bytes as a tokenizer.json (text::parse_tokenizer_json) and as a training text (BPE::train with a
// vocabulary size taken from the input's length). Any input must work or be rejected with
// tg::Error; what works must round-trip: decode(encode(bytes)) == bytes.
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "text/bpe.hpp"
#include "text/tokenizer_json.hpp"

namespace {
void round_trip(const tg::text::BPE& bpe, const std::string& bytes) {
  if (bpe.decode(bpe.encode(bytes)) != bytes) __builtin_trap();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  try {
    const tg::text::BPE bpe = tg::text::parse_tokenizer_json(input, "tokenizer.json");
    round_trip(bpe, input.substr(0, 256));
  } catch (const tg::Error&) {
  }
  try {
    const tg::text::BPE bpe =
        tg::text::BPE::train(input, 256 + static_cast<std::int64_t>(size % 64), "fuzz");
    round_trip(bpe, input);
    // What it writes, it reads back to the same tokenizer.
    const tg::text::BPE back =
        tg::text::parse_tokenizer_json(tg::text::tokenizer_json(bpe), "tokenizer.json");
    if (back.encode(input) != bpe.encode(input)) __builtin_trap();
  } catch (const tg::Error&) {
  }
  return 0;
}
