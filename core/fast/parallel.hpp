// core/fast/parallel.hpp — a small pool of std::threads and parallel_for, for the kernels.
//
// Fast floor. Reference twin: none needed, the readable floor runs on the calling thread; every
// fast kernel gives the same bits on any number of threads (test: "matmul gives bit-identical
// results with 1, 2 and 3 threads", and "parallel_for runs every task once..."). There is one
// pool per process, as in PyTorch
// (torch.set_num_threads): its size is set_num_threads(n), by default the machine's hardware
// threads. parallel_for(tasks, fn) calls fn(0) ... fn(tasks - 1), each exactly once, on the
// pool's threads and the calling thread together, and returns when all have finished.
//
// What the kernels rely on:
// - Tasks must be independent (each writes its own part of the output). Kernels split only the
//   output, never a sum, so every number is computed by the same operations in the same order
//   whatever the thread count: results are bit-identical with 1 thread or 8.
// - A parallel_for called from inside a task (a batched matmul whose matrices are themselves
//   large), or while another thread of the program is using the pool (two models trained in two
//   threads), runs its tasks on the calling thread. Never a deadlock, never oversubscription.
// - An exception thrown by a task is rethrown by parallel_for (the first one, if several).
#pragma once

#include <cstdint>
#include <functional>

namespace tg {

void set_num_threads(int threads);  // >= 1; 1 runs everything on the calling thread
int get_num_threads();

void parallel_for(std::int64_t tasks, const std::function<void(std::int64_t)>& fn);

// parallel_for when the whole job is large enough to pay for the threads: `work` is its size in
// multiply-adds (or comparable steps). Waking the pool costs microseconds, so below
// kMinParallelWork (~100k multiply-adds) the tasks run here, in order. A template, so that
// small jobs (most of a toy model's) call fn directly: wrapping a lambda in a std::function can
// allocate, and a small matmul runs three of these.
constexpr std::int64_t kMinParallelWork = std::int64_t{1} << 17;
template <class Fn>
void parallel_for_if_large(std::int64_t tasks, std::int64_t work, const Fn& fn) {
  if (work >= kMinParallelWork) return parallel_for(tasks, fn);
  for (std::int64_t task = 0; task < tasks; ++task) fn(task);
}

// fn(begin, end) over [0, n) split into pieces of at least `grain` elements: for elementwise
// kernels, whose work per element is tiny. Below 2 * grain it is one call on this thread.
void parallel_for_range(std::int64_t n, std::int64_t grain,
                        const std::function<void(std::int64_t, std::int64_t)>& fn);

}  // namespace tg
