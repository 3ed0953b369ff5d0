// core/create_graph.hpp — what a recorded backward pass needs from the tape, kept beside it
// (core/create_graph.cpp): the per-thread flag that says a pass is recording itself, the
// out-of-place accumulation of gradients with a history, and the leaves tg::grad asks about.
//
// Layer: core. Used by tape.cpp and grad.cpp; nothing here is the algorithm of tape.hpp.
#pragma once

#include <vector>

#include "core/tape.hpp"

namespace tg {

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

}  // namespace tg
