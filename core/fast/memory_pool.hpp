// core/fast/memory_pool.hpp — where tensor elements live: freed buffers are kept and handed out
// again for the next request of the same size.
//
// Fast floor. Reference twin: Storage in core/tensor.cpp, one std::aligned_alloc per tensor.
// Tests: "the memory pool hands a freed buffer out again for the same size", "after warm-up, a
// training step takes every buffer from the pool", and the whole suite on both floors.
// Why: a training step allocates the same temporaries in the
// same sizes every time (activations, gradients, the backward's intermediates) and frees them
// when the step's tape is released. Large blocks come straight from the operating system
// (mmap), and each fresh page costs a page fault and the kernel zeroing it. Keeping the freed
// blocks, indexed by exact size, turns every allocation after the first step into a lookup:
// a training step then asks the OS for no memory at all (test: "after warm-up, a training step
// takes every buffer from the pool").
//
// Blocks are 64-byte aligned (a cache line, and an AVX-512 register). Above 8 KiB a request is
// rounded up to one of four size classes per power of two, so buffers whose sizes vary from
// step to step (a mixture of experts' per-expert batches) still find a block. At most twice the
// peak of live bytes, and at most kMaxCachedBytes, are kept; beyond that, freed blocks go back
// to the OS. The cache is shared by all threads and
// guarded by a mutex. Blocks of up to 256 bytes (a step makes thousands: scalars, biases, a
// norm's statistics) are kept apart, per thread and without a lock (core/fast/free_list.hpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace tg {

void* pool_allocate(std::size_t bytes);          // never null: throws std::bad_alloc
void pool_free(void* block, std::size_t bytes);  // bytes as given to pool_allocate

struct MemoryPoolStats {
  std::int64_t requests = 0;      // pool_allocate calls
  std::int64_t from_system = 0;   // ... that the cache could not serve
  std::int64_t cached_bytes = 0;  // held in the shared cache now, ready for reuse (the
                                  // per-thread lists of small blocks are not counted)
  // Bytes of blocks over 256 bytes handed out and not yet freed: the tensors alive now, and the
  // most that were alive at once since the last reset_peak_live_bytes() (like PyTorch's
  // torch.cuda.max_memory_allocated). Small blocks are not counted (a step's thousands of
  // scalars come to a few hundred kilobytes).
  std::int64_t live_bytes = 0;
  std::int64_t peak_live_bytes = 0;
};
MemoryPoolStats memory_pool_stats();
// Starts a new peak: peak_live_bytes becomes live_bytes.
void reset_peak_live_bytes();
// Returns every cached block to the operating system (like torch.cuda.empty_cache).
void empty_memory_pool();

}  // namespace tg
