// core/fast/memory_pool.cpp — see memory_pool.hpp (fast floor).
#include "core/fast/memory_pool.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

#include "core/fast/free_list.hpp"

namespace tg {

namespace {

constexpr std::size_t kAlignment = 64;
constexpr std::size_t kMaxCachedBytes = std::size_t{1} << 30;  // 1 GiB
constexpr std::size_t kExactUpTo = 8192;

// The size a request is served with. Up to 8 KiB: whole 64-byte lines. Above: four size classes
// per power of two (8 KiB, 10 KiB, 12 KiB, 14 KiB, 16 KiB, 20 KiB, ...), at most a quarter more
// than asked. Why classes: a mixture of experts (layers/moe.hpp) gives each expert another
// number of tokens every step, so its buffers come in ever new sizes; cached by exact size they
// would never be asked for again, and the cache would fill to its limit (a 300k-parameter model
// held 1 GB). With classes, nearby sizes share their blocks.
// No object can be larger than PTRDIFF_MAX bytes, and above it the rounding would wrap around
// past SIZE_MAX to a small block: such a request is refused, as pool_allocate promises.
std::size_t rounded(std::size_t bytes) {
  if (bytes > static_cast<std::size_t>(PTRDIFF_MAX)) throw std::bad_alloc();
  const std::size_t size =
      (std::max<std::size_t>(bytes, 1) + kAlignment - 1) / kAlignment * kAlignment;
  if (size <= kExactUpTo) return size;
  const std::size_t step = std::bit_floor(size) / 4;
  return (size + step - 1) / step * step;
}

struct Pool {
  std::mutex mutex;
  struct Bin {
    std::vector<void*> blocks;    // free blocks of one rounded size
    std::uint64_t last_used = 0;  // when a block of this size was last freed or handed out
  };
  std::unordered_map<std::size_t, Bin> free_blocks;  // by rounded size
  std::uint64_t clock = 0;
  std::int64_t cached_bytes = 0;
  std::int64_t live_bytes = 0, peak_live_bytes = 0;
  std::int64_t most_live_ever = 0;  // peak_live_bytes without its resets: bounds the cache
  // Counted without the lock: small blocks never take it.
  std::atomic<std::int64_t> requests{0}, from_system{0};

  void count_live(std::int64_t change) {  // under the mutex
    live_bytes += change;
    peak_live_bytes = std::max(peak_live_bytes, live_bytes);
    most_live_ever = std::max(most_live_ever, live_bytes);
  }
};

// Small blocks (a tensor of up to 64 floats: the scalars, biases and norms' statistics of
// which a step makes thousands) skip the shared cache and its lock: per-thread free lists
// (core/fast/free_list.hpp), one per size of 64, 128, 192 or 256 bytes.
constexpr std::size_t kSmall = 4 * kAlignment;

template <std::size_t Size>
using SmallList = FreeList<Size, kAlignment>;

void* take_small(std::size_t size, bool* fresh) {
  switch (size / kAlignment) {
    case 1:
      return SmallList<64>::take(fresh);
    case 2:
      return SmallList<128>::take(fresh);
    case 3:
      return SmallList<192>::take(fresh);
    default:
      return SmallList<256>::take(fresh);
  }
}

void give_small(void* block, std::size_t size) {
  switch (size / kAlignment) {
    case 1:
      return SmallList<64>::give(block);
    case 2:
      return SmallList<128>::give(block);
    case 3:
      return SmallList<192>::give(block);
    default:
      return SmallList<256>::give(block);
  }
}

// Never destroyed: tensors in static objects may be freed after main returns.
Pool& pool() {
  static Pool* p = new Pool;
  return *p;
}

}  // namespace

void* pool_allocate(std::size_t bytes) {
  const std::size_t size = rounded(bytes);
  Pool& p = pool();
  p.requests.fetch_add(1, std::memory_order_relaxed);
  if (size <= kSmall) {
    bool fresh = false;
    void* block = take_small(size, &fresh);
    if (fresh) p.from_system.fetch_add(1, std::memory_order_relaxed);
    return block;
  }
  {
    std::lock_guard<std::mutex> lock(p.mutex);
    auto it = p.free_blocks.find(size);
    if (it != p.free_blocks.end() && !it->second.blocks.empty()) {
      void* block = it->second.blocks.back();
      it->second.blocks.pop_back();
      it->second.last_used = ++p.clock;
      p.cached_bytes -= static_cast<std::int64_t>(size);
      p.count_live(static_cast<std::int64_t>(size));
      return block;
    }
  }
  p.from_system.fetch_add(1, std::memory_order_relaxed);
  void* block = std::aligned_alloc(kAlignment, size);
  if (!block) throw std::bad_alloc();
  std::lock_guard<std::mutex> lock(p.mutex);
  p.count_live(static_cast<std::int64_t>(size));
  return block;
}

void pool_free(void* block, std::size_t bytes) {
  if (!block) return;
  const std::size_t size = rounded(bytes);
  if (size <= kSmall) return give_small(block, size);
  Pool& p = pool();
  {
    std::lock_guard<std::mutex> lock(p.mutex);
    p.count_live(-static_cast<std::int64_t>(size));
    // The cache holds at most twice the most bytes ever alive at once (a step's blocks fit) and
    // at most kMaxCachedBytes. To make room for the block just freed, the blocks of the size
    // used longest ago go back to the OS first: sizes no longer asked for (an evaluation's, an
    // earlier model's) cannot fill the cache and push out the ones every step needs.
    const std::int64_t limit =
        std::min<std::int64_t>(static_cast<std::int64_t>(kMaxCachedBytes), 2 * p.most_live_ever);
    const auto need = static_cast<std::int64_t>(size);
    while (p.cached_bytes + need > limit) {
      Pool::Bin* oldest = nullptr;
      std::size_t oldest_size = 0;
      for (auto& [bin_size, bin] : p.free_blocks)
        if (!bin.blocks.empty() && bin_size != size &&
            (!oldest || bin.last_used < oldest->last_used))
          oldest = &bin, oldest_size = bin_size;
      if (!oldest) break;
      std::free(oldest->blocks.back());
      oldest->blocks.pop_back();
      p.cached_bytes -= static_cast<std::int64_t>(oldest_size);
    }
    if (p.cached_bytes + need <= limit) {
      Pool::Bin& bin = p.free_blocks[size];
      bin.blocks.push_back(block);
      bin.last_used = ++p.clock;
      p.cached_bytes += need;
      return;
    }
  }
  std::free(block);
}

MemoryPoolStats memory_pool_stats() {
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.mutex);
  return MemoryPoolStats{p.requests.load(), p.from_system.load(), p.cached_bytes, p.live_bytes,
                         p.peak_live_bytes};
}

void reset_peak_live_bytes() {
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.mutex);
  p.peak_live_bytes = p.live_bytes;
}

void empty_memory_pool() {
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.mutex);
  for (auto& [size, bin] : p.free_blocks)
    for (void* block : bin.blocks) std::free(block);

  p.free_blocks.clear();
  p.cached_bytes = 0;
}

}  // namespace tg
