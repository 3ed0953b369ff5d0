// core/error.hpp — the one exception type tapegrad throws.
//
// Layer: core. Every message starts with the op's name and says what it received and what it
// expected, e.g. "matmul: inner dimensions differ: (2,3) @ (4,5)".
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

#include "core/shape.hpp"

namespace tg {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {
template <class Part>
void append(std::ostringstream& os, const Part& part) {
  os << part;
}
inline void append(std::ostringstream& os, const Shape& shape) {
  os << to_string(shape);
}
}  // namespace detail

// fail("matmul", "inner dimensions differ: ", a, " @ ", b) throws Error("matmul: inner ...").
// Numbers, strings and Shapes (printed as "(2,3)") may be passed.
template <class... Parts>
[[noreturn]] void fail(const char* op, const Parts&... parts) {
  std::ostringstream message;
  message << op << ": ";
  (detail::append(message, parts), ...);
  throw Error(message.str());
}

}  // namespace tg
