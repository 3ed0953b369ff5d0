// core/fast/free_list.hpp — per-thread stacks of freed small blocks, for the allocations every op
// makes.
//
// Fast floor. Reference twin: std::make_shared<TensorImpl> and Storage in core/tensor.cpp.
// Tested by the whole suite on the fast floor. Why: an op on a small tensor costs well under a
// microsecond, and most of that was the general-purpose allocator (malloc/free, whose per-thread
// cache holds only 7 blocks of a size: a 1,000-op chain frees thousands at once in backward). Every
// tensor allocates the same few small things: its TensorImpl, its Storage, and for a small tensor
// its elements. A free list per block size and per thread turns each of those into a pointer pop
// and a pointer push, with no lock: a thread only ever touches its own lists. A block freed by
// another thread than the one that made it simply joins the freeing thread's list.
//
// FreeList<Size, Align>::take() / give(p): a block of Size bytes aligned to Align. At most
// kMaxKept blocks of a size are kept per thread; the rest, and all of them when the thread ends,
// go back to the system.
//
// Recycling<T> is a standard allocator on top, for std::allocate_shared:
//   auto impl = std::allocate_shared<TensorImpl>(Recycling<TensorImpl>());
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <vector>

namespace tg {

template <std::size_t Size, std::size_t Align>
class FreeList {
 public:
  // `fresh`, when given, is set to whether the block had to come from the system.
  static void* take(bool* fresh = nullptr) {
    if (Kept* kept = this_thread()) {
      if (!kept->blocks.empty()) {
        void* block = kept->blocks.back();
        kept->blocks.pop_back();
        if (fresh) *fresh = false;
        return block;
      }
    }
    if (fresh) *fresh = true;
    return ::operator new(Size, std::align_val_t(Align));
  }

  static void give(void* block) {
    if (Kept* kept = this_thread()) {
      if (kept->blocks.size() < kMaxKept) {
        kept->blocks.push_back(block);
        return;
      }
    }
    release(block);
  }

 private:
  static constexpr std::size_t kMaxKept = 1 << 14;

  static void release(void* block) { ::operator delete(block, std::align_val_t(Align)); }

  struct Kept {
    std::vector<void*> blocks;
    ~Kept() {
      for (void* block : blocks) release(block);
      ended() = true;
    }
  };
  // Set once this thread's list is destroyed (the thread is ending): blocks freed after that,
  // by the destructors of other thread-locals, go straight back to the system. A bool has no
  // destructor, so reading it then is still defined.
  static bool& ended() {
    thread_local bool flag = false;
    return flag;
  }
  static Kept* this_thread() {
    if (ended()) return nullptr;
    thread_local Kept kept;
    return &kept;
  }
};

// The allocator: single objects come from the free list of their size (rounded up to 16 bytes),
// arrays from std::allocator.
template <class T>
struct Recycling {
  using value_type = T;
  static constexpr std::size_t kBlock = (sizeof(T) + 15) / 16 * 16;
  static constexpr std::size_t kAlign = alignof(T) < 16 ? 16 : alignof(T);
  using List = FreeList<kBlock, kAlign>;

  Recycling() = default;
  template <class U>
  Recycling(const Recycling<U>&) {}

  T* allocate(std::size_t n) {
    return n == 1 ? static_cast<T*>(List::take()) : std::allocator<T>().allocate(n);
  }
  void deallocate(T* p, std::size_t n) {
    if (n == 1)
      List::give(p);
    else
      std::allocator<T>().deallocate(p, n);
  }
  template <class U>
  bool operator==(const Recycling<U>&) const {
    return true;
  }
};

}  // namespace tg
