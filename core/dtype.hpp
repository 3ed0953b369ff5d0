// core/dtype.hpp — the element types a Tensor can hold, and the one place that dispatches on them.
//
// Layer: core (depends on nothing). float32 is for training (fast, half the memory); float64 is
// for gradient checks, where central differences need ~16 significant digits to be trustworthy.
#pragma once

#include <cstdint>
#include <string>

namespace tg {

enum class DType : std::uint8_t { Float32, Float64 };

inline constexpr DType float32 = DType::Float32;
inline constexpr DType float64 = DType::Float64;

inline const char* dtype_name(DType d) {
  return d == DType::Float32 ? "float32" : "float64";
}

// The C++ type that holds one element of a DType.
template <class T>
constexpr DType dtype_of();
template <>
constexpr DType dtype_of<float>() {
  return DType::Float32;
}
template <>
constexpr DType dtype_of<double>() {
  return DType::Float64;
}

// Calls fn(T{}) with T = float or double to match `d`. Kernels are templates over T and every
// op reaches them through this one switch, so layer code never names an element type:
//
//   dispatch(x.dtype(), [&](auto zero) { using T = decltype(zero); ... x.data<T>() ... });
template <class Fn>
decltype(auto) dispatch(DType d, Fn&& fn) {
  if (d == DType::Float32) return fn(float{});
  return fn(double{});
}

}  // namespace tg
