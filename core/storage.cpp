// core/storage.cpp — see storage.hpp.
#include "core/storage.hpp"

#include <cstdlib>
#include <cstring>
#include <new>

#include "core/error.hpp"
#include "core/fast/switch.hpp"

namespace tg {

namespace {
// 64-byte aligned (a cache line, and an AVX-512 register), as std::aligned_alloc wants it: a
// multiple of the alignment, and never 0 bytes. A request above PTRDIFF_MAX (no object can be
// larger) is refused before the rounding, which would wrap around past SIZE_MAX.
void* aligned_block(std::size_t bytes) {
  if (bytes > static_cast<std::size_t>(PTRDIFF_MAX)) throw std::bad_alloc();
  void* block = std::aligned_alloc(64, (bytes + 63) / 64 * 64 + (bytes == 0 ? 64 : 0));
  if (!block) throw std::bad_alloc();
  return block;
}
}  // namespace

Storage::Storage(std::size_t bytes_, bool zero_filled, bool pooled_)
    : data(pooled_ ? fast::allocate(bytes_) : aligned_block(bytes_)),
      bytes(bytes_),
      pooled(pooled_) {
  if (zero_filled) std::memset(data, 0, bytes);
}
Storage::~Storage() {
  if (pooled)
    fast::release(data, bytes);
  else
    std::free(data);
}

std::shared_ptr<Storage> storage_for(const char* op, const Shape& shape, DType dtype,
                                     bool zero_filled) {
  // The byte count, checked: an overflowed product would wrap around to a small number and the
  // tensor would sit on a block too small for its elements (zeros({1LL << 61}, float64) needs
  // 2^64 bytes, which is 0 in 64 bits). A size of 0 anywhere makes 0 bytes, however large the
  // others are.
  bool overflow = false, has_zero = false;
  std::uint64_t bytes = dtype == DType::Float32 ? sizeof(float) : sizeof(double);
  for (std::int64_t s : shape) {
    overflow = __builtin_mul_overflow(bytes, static_cast<std::uint64_t>(s), &bytes) || overflow;
    has_zero = has_zero || s == 0;
  }
  if (!has_zero && (overflow || bytes > kMaxTensorBytes))
    fail(op, "a ", dtype_name(dtype), " tensor of shape ", shape,
         " needs more bytes than can be addressed (the limit is 2^47 = 128 TiB)");
  if (has_zero) bytes = 0;
  try {
    const auto n = static_cast<std::size_t>(bytes);
    return fast::enabled() ? fast::new_storage(n, zero_filled)  // the fast floor's pool
                           : std::make_shared<Storage>(n, zero_filled);
  } catch (const std::bad_alloc&) {
    fail(op, "out of memory: a ", dtype_name(dtype), " tensor of shape ", shape, " needs ", bytes,
         " bytes");
  }
}

}  // namespace tg
