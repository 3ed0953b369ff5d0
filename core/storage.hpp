// core/storage.hpp — the memory under a tensor: one flat, 64-byte aligned block of elements.
//
// Layer: core (depends on dtype and shape). storage_for, which every tensor's memory comes from,
// checks the byte count first: an overflowed product of sizes would wrap around to a small
// number, and a tensor would sit on a block too small for it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/dtype.hpp"
#include "core/shape.hpp"

namespace tg {

// The flat buffer of elements (zero-filled unless made by empty()). Shared between tensors that
// view the same data (reshape, detach). The memory is 64-byte aligned, from std::aligned_alloc;
// with the fast floor on (core/fast/switch.hpp), from its pool of freed blocks (`pooled`).
struct Storage {
  Storage(std::size_t bytes, bool zero_filled, bool pooled = false);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
  void* data;
  std::size_t bytes;
  bool pooled;  // given back to the fast floor's pool, not to std::free
};

// The most bytes one tensor may take: 2^47 = 128 TiB, the whole user address space of x86-64
// Linux (4-level page tables). A shape asking for more is an error before any allocation.
inline constexpr std::uint64_t kMaxTensorBytes = std::uint64_t{1} << 47;

// The storage for a tensor of `shape` and `dtype` (zero-filled or not), from the fast floor's
// pool when it is on. Throws tg::Error naming `op`, the shape and the dtype when the byte count
// overflows or exceeds kMaxTensorBytes, or when the memory cannot be had. Sizes must be >= 0.
std::shared_ptr<Storage> storage_for(const char* op, const Shape& shape, DType dtype,
                                     bool zero_filled);

}  // namespace tg
