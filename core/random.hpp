// core/random.hpp — a seeded random generator and the random tensor factories.
//
// Layer: core. There is no global generator: every random tensor names the Generator it draws
// from, so a run is reproduced by its seeds alone. The bits come from std::mt19937_64, whose
// output the C++ standard fixes exactly; the conversion to uniform and normal values is written
// here (std::normal_distribution differs between standard libraries), so the same seed gives
// the same numbers with any compiler.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "core/tensor.hpp"

namespace tg {

class Generator {
 public:
  explicit Generator(std::uint64_t seed = 0) : bits_(seed) {}

  // Uniform in [0, 1): the top 53 bits of a 64-bit draw, scaled by 2^-53 (exact in a double).
  double uniform();
  // Standard normal N(0, 1) by the Box-Muller transform: from u1, u2 uniform in (0, 1],
  // r = sqrt(-2 ln u1) and theta = 2 pi u2 give two independent normals r cos(theta) and
  // r sin(theta); the second is kept for the next call.
  double normal();
  // A whole number in [0, n).
  std::int64_t integer(std::int64_t n);

  // The whole state as text (the engine's 312 words as the standard prints them, then the
  // spare normal), so a resumed run draws exactly the numbers the interrupted one would have.
  // set_state accepts only what state() produced and throws tg::Error for anything else.
  std::string state() const;
  void set_state(const std::string& text);

 private:
  std::mt19937_64 bits_;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

// Each element drawn independently from the named generator.
Tensor rand(const Shape& shape, Generator& gen, DType dtype = float32);   // U[0, 1)
Tensor randn(const Shape& shape, Generator& gen, DType dtype = float32);  // N(0, 1)
Tensor uniform(const Shape& shape, double lo, double hi, Generator& gen,
               DType dtype = float32);  // U[lo, hi)

}  // namespace tg
