// core/fast/multiply_add.hpp — a * b + c, the one fused multiply-add of the fast floor.
//
// Fast floor. Reference twin: the plain `c + a * b` of core/gemm.hpp.
// Why it exists: whether `acc += a * b` becomes one fused instruction (one rounding) or a multiply
// and an add (two roundings) was the compiler's choice, and it chose differently for a vector
// loop and a scalar one, and for one CPU's tuning and another's (GCC's Zen tuning leaves scalar
// multiply-add chains unfused). Two paths that promise the same bits then differed in the last
// one. So the project compiles with -ffp-contract=off (CMakeLists.txt): the compiler never fuses
// on its own, and every fused multiply-add is this function, written where it stands. Any two
// paths that call it in the same order give the same bits, on any CPU and any -march
// (docs/performance.md, "Same bits on every machine"). Test: "a product of one row equals that
// row of a larger product, bit for bit", built by CI for x86-64-v2, -v3, -v4 and native.
#pragma once

#include <cmath>

namespace tg::fast {

// One rounding on a CPU with FMA instructions (x86-64-v3 and later: every x86-64 CPU since 2013
// has them); on a build without them (x86-64-v2, TAPEGRAD_NATIVE=OFF) a multiply and an add, as
// std::fma would be a library call per number there.
template <class T>
inline T multiply_add(T a, T b, T c) {
#if defined(__FMA__)
  return std::fma(a, b, c);
#else
  return a * b + c;
#endif
}

}  // namespace tg::fast
