// tests/fuzz/fuzz_json.cpp — libFuzzer harness for the JSON reader (headers, config.json,
// vocab.json all go through it). Any input must parse or throw tg::Error.
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "core/formats/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    tg::json::parse(std::string(reinterpret_cast<const char*>(data), size));
  } catch (const tg::Error&) {
  }
  return 0;
}
