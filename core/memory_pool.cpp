// core/memory_pool.cpp — see memory_pool.hpp.
#include "core/memory_pool.hpp"

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

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
  MemoryPoolStats stats;
};

// Never destroyed: tensors in static objects may be freed after main returns.
Pool& pool() {
  static Pool* p = new Pool;
  return *p;
}

}  // namespace

void* pool_allocate(std::size_t bytes) {
  const std::size_t size = rounded(bytes);
  Pool& p = pool();
  {
    std::lock_guard<std::mutex> lock(p.mutex);
    ++p.stats.requests;
    auto it = p.free_blocks.find(size);
    if (it != p.free_blocks.end() && !it->second.empty()) {
      void* block = it->second.back();
      it->second.pop_back();
      p.stats.cached_bytes -= static_cast<std::int64_t>(size);
      return block;
    }
    ++p.stats.from_system;
  }
  void* block = std::aligned_alloc(kAlignment, size);
  if (!block) throw std::bad_alloc();
  return block;
}

void pool_free(void* block, std::size_t bytes) {
  if (!block) return;
  const std::size_t size = rounded(bytes);
  Pool& p = pool();
  {
    std::lock_guard<std::mutex> lock(p.mutex);
    if (p.stats.cached_bytes + static_cast<std::int64_t>(size) <=
        static_cast<std::int64_t>(kMaxCachedBytes)) {
      p.free_blocks[size].push_back(block);
      p.stats.cached_bytes += static_cast<std::int64_t>(size);
      return;
    }
  }
  std::free(block);
}

MemoryPoolStats memory_pool_stats() {
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.mutex);
  return p.stats;
}

void empty_memory_pool() {
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.mutex);
  for (auto& [size, blocks] : p.free_blocks)
    for (void* block : blocks) std::free(block);
  p.free_blocks.clear();
  p.stats.cached_bytes = 0;
}

}  // namespace tg
