// examples/plot/tape_svg.hpp — draws a recorded tape as an SVG picture: what core/formats/graphviz.hpp
// writes as DOT, for a reader with no Graphviz installed.
//
// Layer: examples (reads core's Tape; core knows nothing of it). Left to right in the order of
// the data flow: each tensor a white box (its name, shape, value and gradient, as the DOT
// labels say them), each op a blue box, arrows from inputs to op and from op to output. A
// tensor stands in column 0 if no record made it, else one column right of the op that made it;
// an op one column right of its rightmost input. Within a column, boxes are stacked in the order
// they first appear on the tape, so the same tape always gives the same picture.
#pragma once

#include <string>

#include "core/tape.hpp"

namespace plot {

std::string tape_to_svg(const tg::Tape& tape, const std::string& title);

// Writes tape_to_svg(...) to `path` through a temporary file renamed into place; throws
// tg::Error naming the path if it cannot.
void write_tape_svg(const tg::Tape& tape, const std::string& title, const std::string& path);

}  // namespace plot
