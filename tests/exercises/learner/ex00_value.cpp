// ex00: a scalar tape from zero. Your turn: read docs/tape.md#a-worked-example-by-hand-first, then
// replace the body below; the declaration is in tests/exercises/exercises.hpp, hints in
// docs/exercises.md#ex00. Check it with:
//   cmake --build build --target ex00
#include "exercises.hpp"

namespace ex {

// Each op makes a new Value (Value out(data)), sets out.node->parents to the nodes it read and
// out.node->backward to a function that adds to each parent's grad.
// Questions: what is the local derivative of a + b with respect to a? of a * b? of tanh(x),
// written with tanh(x) itself (out.data)? Why must the backward add (+=) and not assign?

Value operator+(const Value& a, const Value& b) {
  (void)a, (void)b;
  not_implemented("ex00 (operator+)", "docs/tape.md#a-worked-example-by-hand-first");
}

Value operator*(const Value& a, const Value& b) {
  (void)a, (void)b;
  not_implemented("ex00 (operator*)", "docs/tape.md#a-worked-example-by-hand-first");
}

Value tanh(const Value& x) {
  (void)x;
  not_implemented("ex00 (tanh)", "docs/tape.md#a-worked-example-by-hand-first");
}

void Value::backward() const {
  // Questions: in what order must the nodes run their backward so that each has its whole grad
  // when it runs? How do you find that order starting from this node, without a recursive call
  // (the checks build a chain of 100,000 ops)? What is this node's own grad before the walk?
  not_implemented("ex00 (Value::backward)", "docs/tape.md#the-backward-pass");
}

}  // namespace ex
