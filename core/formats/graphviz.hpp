// core/formats/graphviz.hpp — draws the recorded graph in Graphviz DOT, for `dot -Tsvg graph.dot`.
//
// Layer: core. Ovals are tensors (name, shape, and the value and gradient when they have at
// most 4 elements, else the gradient's norm), boxes are ops, arrows show the data flow. Records
// are released by backward unless retain_graph is set, so to see gradients, draw after
// `loss.backward({}, true)`.
#pragma once

#include <string>

#include "core/tape.hpp"

namespace tg {

std::string to_dot(const Tape& tape);

// A tensor's values as the labels give them: "[1, -3]" for at most 4 numbers (4 significant
// digits), else "norm 12.5" (the Euclidean norm of all of them).
std::string value_summary(const Tensor& t);

// Writes to_dot(tape) to `path` (through a temporary file, renamed when complete).
void write_dot(const Tape& tape, const std::string& path);

}  // namespace tg
