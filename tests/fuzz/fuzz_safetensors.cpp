// tests/fuzz/fuzz_safetensors.cpp — libFuzzer harness for the safetensors reader.
// Any input must either load or throw tg::Error; a crash, a sanitizer report or a huge
// allocation is a finding. Build and run: see tests/fuzz/CMakeLists.txt.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "core/error.hpp"
#include "core/formats/safetensors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/tmp/tapegrad-fuzz-" + std::to_string(getpid()) + ".safetensors";
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  try {
    tg::load_safetensors(path);
  } catch (const tg::Error&) {
  }
  return 0;
}
