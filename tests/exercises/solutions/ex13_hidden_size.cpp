// Reference solution to ex13.
#include "exercises.hpp"

namespace ex {

std::int64_t gated_hidden_size(std::int64_t d_model, std::int64_t multiple_of) {
  const std::int64_t h = 2 * (4 * d_model) / 3;  // 2/3 of 4d, rounded down
  return multiple_of * ((h + multiple_of - 1) / multiple_of);
}

}  // namespace ex
