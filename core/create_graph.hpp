// core/create_graph.hpp — what the tape needs for derivatives of derivatives (create_graph,
// docs/higher-order.md), kept beside tape.hpp, whose algorithm it does not change: ops whose
// backward is a hand-written loop and their composite forms, the per-thread flag saying a
// backward pass is recording itself, out-of-place accumulation, the sub-walk through a
// composite's records, dropping records nothing can reach, and the leaves tg::grad asks about.
//
// Layer: core. Depends on tape.hpp.
#pragma once

#include <memory>
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

// op(a) · op(b) as a recorded op, op(x) being x or x with its last two axes swapped: matmul
// with batched_product's flags (core/ops.hpp), so that a transposed operand is read in place
// rather than copied by transpose. matmul's and linear's backward run it under create_graph, and
// attention's composite form; its backward is made of itself, so it differentiates to any order.
// Recorded as "matmul". Throws tg::Error naming matmul and both shapes when they do not fit.
Tensor matmul_transposed(const Tensor& a, const Tensor& b, bool trans_a, bool trans_b);

// True inside a backward pass run with create_graph on this thread (Tape::backward).
bool is_creating_graph();
// True inside such a pass when it also keeps the records it walks (retain_graph).
bool is_retaining_graph();

// Sets "creating graph" (is_creating_graph) and "retaining" for one backward pass and restores
// them after: passes may nest (checkpoint's recomputation runs a backward pass inside another).
class CreateGraphScope {
 public:
  CreateGraphScope(bool on, bool retain);
  ~CreateGraphScope();
  CreateGraphScope(const CreateGraphScope&) = delete;
  CreateGraphScope& operator=(const CreateGraphScope&) = delete;

 private:
  bool previous_, previous_retain_;
};

// What an op whose derivative is written with its own output (exp, sqrt, div, softmax,
// log_softmax) keeps for its backward. A first-order backward reads `data`, the output's data
// detached. Under create_graph the derivative needs the output with its history, so that its
// gradient leads back through this op's record: the output itself, found through a weak handle
// (a record holding its own output could never be dropped: Tape::drop_unreachable), while the
// pass keeps the graph; otherwise (retain_graph off, or the output gone) `recompute`'s fresh,
// recorded result. (As in PyTorch, a gradient taken with create_graph but without retain_graph
// can only be differentiated again where its history avoids the records that pass released: a
// tg::grad of several outputs keeps the graph for all passes but its last.)
struct SavedOutput {
  explicit SavedOutput(const Tensor& out) : data(out.detach()), self(out.impl_ptr()) {}
  template <class Recompute>
  Tensor get(Recompute recompute) const {
    if (!is_creating_graph()) return data;
    if (is_retaining_graph())
      if (std::shared_ptr<TensorImpl> out = self.lock()) return Tensor(std::move(out));
    return recompute();
  }
  Tensor data;
  std::weak_ptr<TensorImpl> self;
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
