// ex19: the tape's backward walk. Your turn: read docs/tape.md#the-backward-pass, then replace the
// body below; the declaration is in tests/exercises/exercises.hpp, hints in
// docs/exercises.md#ex19. Check it with:
//   cmake --build build --target ex19
#include "exercises.hpp"

namespace ex {

void backward_walk(std::vector<tg::Record>& records, std::size_t last,
                   const std::function<void(std::size_t)>& done) {
  // records[0 .. last] in execution order; the root's gradient is seeded.
  // Questions: which records must run, and in which order, so that every gradient has fully
  // arrived before a record passes it on? Which gradient does a record's backward take, and
  // what about a record whose output never received one?
  (void)records, (void)last, (void)done;
  not_implemented("ex19 (backward_walk)", "docs/tape.md#the-backward-pass");
}

}  // namespace ex
