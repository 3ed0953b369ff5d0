// core/create_graph.hpp — what the tape needs for derivatives of derivatives (create_graph,
// docs/higher-order.md), kept beside tape.hpp, whose algorithm it does not change: ops whose
// backward is a hand-written loop and their composite forms, the per-thread flag saying a
// backward pass is recording itself, out-of-place accumulation, the sub-walk through a
// composite's records, dropping records nothing can reach, and the leaves tg::grad asks about.
//
// Layer: core. Depends on tape.hpp.
#pragma once

#include <vector>

#include "core/tape.hpp"

namespace tg {

// The op written again with recorded ops (each twice differentiable), from the same inputs: what
// create_graph differentiates in place of a hand-written backward loop.
using CompositeFn = std::function<Tensor(const std::vector<Tensor>& inputs)>;

// record() for an op whose backward is a hand-written loop over the data rather than recorded
// ops. A first-order backward runs that loop. Under create_graph (core/create_graph.cpp) the op's
// `composite` is run again on the inputs and the gradient is taken through its records instead,
// so it has a history; without a composite, the backward throws tg::Error naming the op rather
// than return a gradient with no history (which would make every second derivative through it
// silently 0).
Tensor record_first_order(const char* op, std::vector<Tensor> inputs, Tensor output,
                          BackwardFn backward, CompositeFn composite = nullptr);

// True inside a backward pass run with create_graph on this thread (Tape::backward).
bool is_creating_graph();

// Sets "creating graph" (is_creating_graph) for one backward pass and restores it after: passes
// may nest (checkpoint's recomputation runs a backward pass inside another).
class CreateGraphScope {
 public:
  explicit CreateGraphScope(bool on);
  ~CreateGraphScope();
  CreateGraphScope(const CreateGraphScope&) = delete;
  CreateGraphScope& operator=(const CreateGraphScope&) = delete;

 private:
  bool previous_;
};

// accumulate_grad under create_graph: input.grad = input.grad + grad, summed over the axes input
// was broadcast along, all with recorded ops and out of place, so the gradient keeps its history
// and no tensor another record saved is changed.
void accumulate_recorded(const Tensor& input, const Tensor& grad);

// While alive, backward passes on `tape` give gradients to these leaves only (and to every
// intermediate tensor, through which they flow): what tg::grad needs to leave every other
// leaf's .grad (the model's weights) untouched, as torch.autograd.grad does.
class OnlyLeavesScope {
 public:
  OnlyLeavesScope(const Tape& tape, const std::vector<Tensor>& leaves);
  ~OnlyLeavesScope();
  OnlyLeavesScope(const OnlyLeavesScope&) = delete;
  OnlyLeavesScope& operator=(const OnlyLeavesScope&) = delete;

 private:
  const Tape* previous_tape_;
  const std::vector<Tensor>* previous_leaves_;
};
// False for a leaf an OnlyLeavesScope on the current tape leaves out.
bool wants_gradient(const TensorImpl& impl);

// The two Tape members that are create_graph's (create_graph.cpp):
//   Tape::backward_composite(first, out, g): the gradient g of `out`, computed by the records
//     from index `first` on (a composite form just recorded), is passed back through them alone,
//     recorded; the composite's inputs receive their share. Those records stay: the gradients'
//     history goes through them.
//   Tape::drop_unreachable(): releases the records no tensor outside the tape can reach (a
//     record whose output only the record itself holds can never receive a gradient), newest
//     first, so a record let go lets go of older ones only it held. Run after every backward.

}  // namespace tg
