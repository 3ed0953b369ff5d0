// core/anomaly.hpp — anomaly detection: which op first made a NaN (a debugging aid).
//
// Layer: core. Depends on tape.hpp. Off by default, like torch.autograd.detect_anomaly. While it
// is on, every op checks its output for NaN, and a backward pass started while it is on checks
// the gradients every backward function computes (as PyTorch's: turning it on around
// backward() alone checks the backward pass). The first op that turns finite inputs into a NaN is reported
// by name, with its input shapes:
//   "anomaly: 'log' produced NaN in its output from finite inputs (input shapes (3,))"
// A NaN that arrives from outside (an input tensor holding NaN) is reported at the first op that
// reads it. It costs a pass over every output, so it is for debugging, not for training runs.
// Per thread, like grad mode. The tape (core/tape.cpp) calls the two hooks below, from record()
// and from Tape::backward before it walks.
#pragma once

#include <vector>

#include "core/tape.hpp"

namespace tg {

bool is_anomaly_detection_enabled();
void set_anomaly_detection(bool enabled);

namespace anomaly {
// Throws tg::Error ("anomaly: ...") when `output` holds NaN: naming an input that already held
// NaN, else the op. Does nothing inside a backward function (the result is checked there).
void check_output(const char* op, const std::vector<Tensor>& inputs, const Tensor& output);
// Wraps the backward function of records[0 .. last] so that after it runs the gradients of its
// inputs are checked for NaN (throws "anomaly: the backward of 'op' produced NaN ..." when the
// output gradient was finite). Called by Tape::backward while detection is on.
// A record already wrapped (a graph walked again with retain_graph) is not wrapped again.
void check_backwards(std::deque<Record>& records, std::size_t last);
// How many checks wrap `backward` (0 or 1; more would check one backward several times). For
// the tests.
int check_depth(const BackwardFn& backward);
}  // namespace anomaly

}  // namespace tg
