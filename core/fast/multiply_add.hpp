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
// row of a larger product, bit for bit", built by CI for x86-64-v2, -v3, -v4 and portably.
#pragma once

#include <cmath>

namespace tg::fast {

// One rounding on a CPU with FMA instructions (x86-64-v3 and later: every Intel Core since
// Haswell, 2013, and every AMD since Piledriver, 2012; some Pentium, Celeron and Atom parts lacked
// them until about 2021); on a build without them (x86-64-v2, TAPEGRAD_NATIVE=OFF) a multiply and
// an add, as std::fma would be a library call per number there.
template <class T>
inline T multiply_add(T a, T b, T c) {
#if defined(__FMA__)
  return std::fma(a, b, c);
#else
  return a * b + c;
#endif
}

// The rounding error of the product p = a * b (p as the program computed it): a * b = p + e
// exactly. With FMA instructions one fused multiply-add gives it; without, Dekker's split of each
// factor into halves of 12 bits (Veltkamp: 4097 = 2^12 + 1 for float's 24-bit significand, 2^27 + 1
// for double's 53) makes every partial product exact. Either way the same e, so a build without
// FMA gets the same value with no library call.
template <class T>
inline T product_error(T a, T b, T p) {
#if defined(__FMA__)
  return std::fma(a, b, -p);
#else
  constexpr T split = sizeof(T) == 4 ? T(4097) : T(134217729);
  const T ca = split * a, a_high = ca - (ca - a), a_low = a - a_high;
  const T cb = split * b, b_high = cb - (cb - b), b_low = b - b_high;
  return ((a_high * b_high - p) + a_high * b_low + a_low * b_high) + a_low * b_low;
#endif
}

}  // namespace tg::fast
