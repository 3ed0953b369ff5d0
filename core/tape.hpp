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
// recording is on (grad mode; NoGradGuard turns it off for a scope).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/tensor.hpp"

namespace tg {

// Reads the output's gradient and accumulates into the inputs' gradients (accumulate_grad).
using BackwardFn = std::function<void(const Tensor& grad_output)>;

struct Record {
  const char* op;
  std::vector<Tensor> inputs;
  Tensor output;
  BackwardFn backward;
};

class Tape {
 public:
  // The records not yet released, oldest first.
  const std::vector<Record>& records() const { return records_; }
  std::size_t size() const { return records_.size(); }

  // Stores the record; marks its output as requiring grad and as made by this record.
  void append(Record record);

  // Reverse-mode differentiation from `root` (see Tensor::backward). Unless retain_graph, the
  // records from the first up to root's own are released afterwards: their memory is returned,
  // and a second backward through them is an error.
  void backward(const Tensor& root, const Tensor& seed, bool retain_graph);

  // Drops every record (e.g. after computing something you will not differentiate).
  void clear();

 private:
  std::vector<Record> records_;
  std::uint64_t first_id_ = 0;  // the id of records_[0]; ids below it were released
};

// This thread's tape. Threads never share a tape, so two threads can train two models at once.
Tape& current_tape();

// Grad mode: while false, ops record nothing and their outputs do not require grad.
bool is_grad_enabled();
void set_grad_enabled(bool enabled);

// Turns recording off until the end of the scope (evaluation, optimizer steps, backward itself):
//   { NoGradGuard no_grad; auto y = model(x); }
class NoGradGuard {
 public:
  NoGradGuard() : previous_(is_grad_enabled()) { set_grad_enabled(false); }
  ~NoGradGuard() { set_grad_enabled(previous_); }
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

// True when an op with these inputs must record: grad mode is on and some input requires grad.
bool needs_grad(std::initializer_list<Tensor> inputs);
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

// input.grad += grad, after summing `grad` over the axes along which `input` was broadcast, so
// that the gradient has the input's shape. Does nothing if input does not require grad.
void accumulate_grad(const Tensor& input, const Tensor& grad);

}  // namespace tg
