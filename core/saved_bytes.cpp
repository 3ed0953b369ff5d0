// core/saved_bytes.cpp — Tape::saved_bytes, the activation memory a backward pass costs (a
// measurement for bench and the memory tests; see tape.hpp). Apart from core/tape.cpp, which is
// the algorithm.
#include <set>

#include "core/tape.hpp"

namespace tg {

std::int64_t Tape::saved_bytes() const {
  std::set<const Storage*> seen;  // views share a storage: count each once
  std::int64_t bytes = 0;
  auto count = [&](const Tensor& t) {
    if (!t.defined() || t.is_leaf() || !seen.insert(t.impl()->storage.get()).second) return;
    bytes += t.numel() * (t.dtype() == float32 ? 4 : 8);
  };
  for (const Record& rec : records_) {
    for (const Tensor& in : rec.inputs) count(in);
    count(rec.output);
  }
  return bytes;
}

}  // namespace tg
