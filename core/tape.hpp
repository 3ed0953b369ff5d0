// core/tape.hpp — the tape (a Wengert list): what reverse-mode differentiation walks.
//
// Layer: core. Depends on tensor.hpp.
//
// Every differentiable op, as it runs, appends one Record: its name, its inputs, its output, and
// a backward function that turns d(loss)/d(output) into contributions to d(loss)/d(inputs):
//
//   c = a * b        records  {op "mul", inputs (a,b), output c,
//                              backward: a.grad += c.grad * b;  b.grad += c.grad * a}
//
// Records are appended in execution order, and an op can only use values computed before it,
// so the tape is already a topological order. backward(loss) therefore needs no graph search and
// no recursion: seed d(loss)/d(loss) = 1, then walk the records from the loss's back to the first
// and run each backward function whose output received a gradient. That is the whole algorithm.
//
// The two pieces of global state, both per thread and both here: the current tape, and whether
// recording is on (grad mode; NoGradGuard turns it off for a scope). Beside it, not part of the
// algorithm: anomaly.hpp (which op made a NaN), handover.hpp (a gradient moved instead of
// copied), leaf_locks.hpp (threads sharing a parameter), tape_errors.hpp (the checks backward
// makes first).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "core/tensor.hpp"

namespace tg {

// A record's backward function: given d(loss)/d(output), it accumulates into the inputs'
// gradients (accumulate_grad). It takes the gradient as Tensor&&: a function that passes the
// gradient on unchanged (add's) may hand that very tensor to an input instead of copying it.
using BackwardFn = std::function<void(Tensor&& g)>;  // g = d(loss)/d(output)

struct Record {
  const char* op;
  std::vector<Tensor> inputs;
  Tensor output;
  BackwardFn backward;
  std::uint64_t id = 0;  // set by Tape::append: 0, 1, 2, ... in execution order
};

class Tape {
 public:
  Tape() = default;
  ~Tape();  // releases every record
  Tape(const Tape&) = delete;
  Tape& operator=(const Tape&) = delete;

  // The records not yet released, oldest first.
  const std::deque<Record>& records() const { return records_; }
  std::size_t size() const { return records_.size(); }

  // Stores a record of the op, built in place (its closure and inputs are moved once); marks
  // its output as requiring grad and as made by this record.
  void append(const char* op, std::vector<Tensor>&& inputs, const Tensor& output,
              BackwardFn&& backward);

  // Reverse-mode differentiation from `root` (see Tensor::backward). Unless retain_graph, each
  // record the pass goes through is released as soon as it has run (its inputs, closure and
  // output are freed, and a second backward through it is an error) and dropped from the tape
  // at the end, even if a backward function throws. Records of other graphs stay on the tape.
  // With create_graph, the backward functions run with grad mode on, so the ops they compute
  // with are recorded too: the gradients have a history (core/create_graph.hpp).
  void backward(const Tensor& root, const Tensor& seed, bool retain_graph,
                bool create_graph = false);

  // Bytes of the intermediate tensors the records keep alive: the distinct storages of every
  // record's output and of its inputs that are not leaves (leaves, such as inputs and weights,
  // exist anyway). The activation memory a backward pass costs; tensors a backward function
  // captures besides its inputs and output (a mask, say) are not counted.
  std::int64_t saved_bytes() const;

  // Releases every record. A forward pass that is never differentiated (an evaluation run with
  // grad mode on) stays on the tape until clear(), the end of the thread, or, once no tensor
  // holds its result, the next backward (drop_unreachable): compute such things under NoGradGuard.
  void clear();

  // What create_graph adds, in core/create_graph.hpp and .cpp.
  void backward_composite(std::size_t first, const Tensor& out, const Tensor& g);
  void drop_unreachable();

 private:
  void drop_emptied();  // removes the records backward has emptied (their output is gone)

  // In execution order, so ids ascend. A deque, which never moves its records as it grows: a
  // backward function run with create_graph appends records while the walk is inside it.
  std::deque<Record> records_;
  std::uint64_t next_id_ = 0;
};

// This thread's tape. Threads never share a tape, so two threads can train two models at once.
Tape& current_tape();

// Makes `tape` the current tape until the end of the scope. Checkpointing uses it to record and
// differentiate a recomputation on a tape of its own, while the outer backward is running.
class TapeScope {
 public:
  explicit TapeScope(Tape& tape);
  ~TapeScope();
  TapeScope(const TapeScope&) = delete;
  TapeScope& operator=(const TapeScope&) = delete;

 private:
  Tape* previous_;
};

// Grad mode: while false, ops record nothing and their outputs do not require grad.
bool is_grad_enabled();
void set_grad_enabled(bool enabled);

// Sets grad mode until the end of the scope, then restores what it was (even on an exception).
class GradModeGuard {
 public:
  explicit GradModeGuard(bool enabled) : previous_(is_grad_enabled()) { set_grad_enabled(enabled); }
  ~GradModeGuard() { set_grad_enabled(previous_); }
  GradModeGuard(const GradModeGuard&) = delete;
  GradModeGuard& operator=(const GradModeGuard&) = delete;

 private:
  bool previous_;
};

// Turns recording off until the end of the scope (evaluation, optimizer steps, backward itself):
//   { NoGradGuard no_grad; auto y = model(x); }
class NoGradGuard : public GradModeGuard {
 public:
  NoGradGuard() : GradModeGuard(false) {}
};

// True when an op with these inputs must record: grad mode is on and some input requires grad.
bool needs_grad(const std::vector<Tensor>& inputs);

// What every op calls after computing `output`: records it when needs_grad(inputs), and returns
// output either way. The usual shape of an op:
//
//   Tensor out = ...forward kernel...;
//   return record("mul", {a, b}, out, [a, b](const Tensor& g) {
//     accumulate_grad(a, g * b);
//     accumulate_grad(b, g * a);
//   });
Tensor record(const char* op, std::vector<Tensor> inputs, Tensor output, BackwardFn backward);
// For an op whose backward is a hand-written loop, and for create_graph: core/create_graph.hpp.

// input.grad += grad, after summing `grad` over the axes along which `input` was broadcast, so
// that the gradient has the input's shape. Does nothing if input does not require grad. Throws
// tg::Error naming the op when the input's own record is gone (released, or another tape's).
void accumulate_grad(const Tensor& input, const Tensor& grad);
// The same for a gradient the caller gives up (a temporary such as mul(g, b)): when nothing else
// holds or views it, it becomes the input's first gradient without a copy (core/handover.hpp).
void accumulate_grad(const Tensor& input, Tensor&& grad);

}  // namespace tg
