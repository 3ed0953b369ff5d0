// core/fast/memory_pool.cpp — see memory_pool.hpp (fast floor).
#include "core/fast/memory_pool.hpp"

#include <algorithm>
#include <atomic>
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

std::size_t rounded(std::size_t bytes) {
  return (std::max<std::size_t>(bytes, 1) + kAlignment - 1) / kAlignment * kAlignment;
}

struct Pool {
  std::mutex mutex;
  std::unordered_map<std::size_t, std::vector<void*>> free_blocks;  // by rounded size
  std::int64_t cached_bytes = 0;
  std::int64_t live_bytes = 0, peak_live_bytes = 0;
  // Counted without the lock: small blocks never take it.
  std::atomic<std::int64_t> requests{0}, from_system{0};

  void count_live(std::int64_t change) {  // under the mutex
    live_bytes += change;
    peak_live_bytes = std::max(peak_live_bytes, live_bytes);
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
    if (it != p.free_blocks.end() && !it->second.empty()) {
      void* block = it->second.back();
      it->second.pop_back();
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
    if (p.cached_bytes + static_cast<std::int64_t>(size) <=
        static_cast<std::int64_t>(kMaxCachedBytes)) {
      p.free_blocks[size].push_back(block);
      p.cached_bytes += static_cast<std::int64_t>(size);
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
  for (auto& [size, blocks] : p.free_blocks)
    for (void* block : blocks) std::free(block);
  p.free_blocks.clear();
  p.cached_bytes = 0;
}

}  // namespace tg
