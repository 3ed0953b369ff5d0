// core/fast/switch.cpp — the switch's flag, and the fast floor's memory for tensor.cpp and
// storage.cpp.
// See switch.hpp. The other entry points are defined beside their kernels: matmul.cpp,
// attention.cpp, gated.cpp, activated_linear.cpp.
#include "core/fast/switch.hpp"

#include <atomic>

#include "core/fast/free_list.hpp"
#include "core/fast/memory_pool.hpp"

namespace tg::fast {

namespace {
std::atomic<bool> on{false};
}  // namespace

void enable() {
  on.store(true, std::memory_order_relaxed);
}
void disable() {
  on.store(false, std::memory_order_relaxed);
}
bool enabled() {
  return on.load(std::memory_order_relaxed);
}

void* allocate(std::size_t bytes) {
  return pool_allocate(bytes);
}
void release(void* block, std::size_t bytes) {
  pool_free(block, bytes);
}

std::shared_ptr<TensorImpl> new_impl() {
  return std::allocate_shared<TensorImpl>(Recycling<TensorImpl>());
}
std::shared_ptr<Storage> new_storage(std::size_t bytes, bool zero_filled) {
  return std::allocate_shared<Storage>(Recycling<Storage>(), bytes, zero_filled, /*pooled=*/true);
}

}  // namespace tg::fast
