// core/leaf_locks.hpp — the lock that lets threads share a parameter's gradient.
//
// Layer: core. A leaf (a parameter) may be shared by threads that each run backward on their own
// tape, as in PyTorch (Hogwild training, two models sharing an embedding): two += into one
// gradient at once would lose one of them. So the update of a leaf's gradient holds a lock, one
// of 64 picked by the tensor's address (a mutex per tensor would grow every tensor for the sake
// of a few leaves). An intermediate tensor belongs to one tape, so one thread: it needs no lock.
// Test: "two threads backward into one shared leaf: no update is lost" (tests/core/test_tape.cpp).
#pragma once

#include <cstdint>
#include <mutex>

#include "core/tensor.hpp"

namespace tg {

// A held lock when `impl` is a leaf (made by no op), an empty one otherwise.
inline std::unique_lock<std::mutex> lock_if_leaf(const TensorImpl& impl) {
  static std::mutex locks[64];
  if (impl.op != nullptr) return {};
  return std::unique_lock<std::mutex>(locks[(reinterpret_cast<std::uintptr_t>(&impl) >> 6) % 64]);
}

}  // namespace tg
