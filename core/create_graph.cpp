// core/create_graph.cpp — what create_graph (docs/higher-order.md) adds to the tape of tape.cpp.
//
// The idea is one line: run every backward function with grad mode on, and the ops it computes
// with are recorded like any others, so the gradients have a history and the same walk can
// differentiate them again. What follows is what that line needs around it:
//   - a flag saying a pass is recording itself, and accumulation that records (no += in place:
//     the tensor added to may be saved by a record of this very pass);
//   - for the ops whose backward is a hand-written loop (record_first_order), their composite
//     form run again and passed back through (Tape::backward_composite);
//   - records no tensor can reach any more, dropped (Tape::drop_unreachable): a recorded pass
//     leaves records off the path of whatever is differentiated next;
//   - tg::grad's leaves: a pass that gives gradients to the leaves asked about and no others;
//   - a product with transpose flags as a recorded op (matmul_transposed), for matmul's and
//     linear's recorded backward, which would otherwise copy an operand to transpose it.
#include "core/create_graph.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/leaf_locks.hpp"
#include "core/ops.hpp"

namespace tg {

namespace {
thread_local bool creating_graph = false;  // inside a backward pass with create_graph
thread_local bool retaining_graph = false;  // and keeping the records it walks
thread_local const Tape* only_tape = nullptr;  // OnlyLeavesScope: the tape it is about,
thread_local const std::vector<Tensor>* only_leaves = nullptr;  // and the leaves
}  // namespace

bool is_creating_graph() { return creating_graph; }
bool is_retaining_graph() { return retaining_graph; }
CreateGraphScope::CreateGraphScope(bool on, bool retain)
    : previous_(creating_graph), previous_retain_(retaining_graph) {
  creating_graph = on;
  retaining_graph = retain;
}
CreateGraphScope::~CreateGraphScope() {
  creating_graph = previous_;
  retaining_graph = previous_retain_;
}

Tensor matmul_transposed(const Tensor& a, const Tensor& b, bool trans_a, bool trans_b) {
  if (a.dim() < 2 || b.dim() < 2 || a.dtype() != b.dtype() ||
      a.size(trans_a ? -2 : -1) != b.size(trans_b ? -1 : -2))
    fail("matmul", "op(a) @ op(b) does not fit: a ", a.shape(), trans_a ? " transposed" : "",
         ", b ", b.shape(), trans_b ? " transposed" : "");
  Tensor out = batched_product(a, b, trans_a, trans_b);
  // C = op(A) op(B), so d op(A) = dC op(B)^T and d op(B) = op(A)^T dC, as for matmul; where A
  // itself is stored transposed, its gradient is the transpose of that: (dC op(B)^T)^T =
  // op(B) dC^T, and likewise for B. Each is again a product with flags.
  return record("matmul", {a, b}, out, [a, b, trans_a, trans_b](const Tensor& g) {
    if (a.requires_grad())
      accumulate_grad(a, trans_a ? matmul_transposed(b, g, trans_b, true)
                                 : matmul_transposed(g, b, false, !trans_b));
    if (b.requires_grad())
      accumulate_grad(b, trans_b ? matmul_transposed(g, a, true, trans_a)
                                 : matmul_transposed(a, g, !trans_a, false));
  });
}

void accumulate_recorded(const Tensor& input, const Tensor& grad) {
  TensorImpl& impl = *input.impl();
  // sum_to_shape with recorded sums: the leading axes broadcasting added, then the size-1 axes.
  Tensor g = grad;
  while (g.dim() > input.dim()) g = sum(g, 0);
  for (std::int64_t k = 0; k < input.dim(); ++k)
    if (input.size(k) == 1 && g.size(k) != 1) g = sum(g, k, true);
  std::unique_lock<std::mutex> lock = lock_if_leaf(impl);  // threads may share a leaf
  if (impl.grad.defined())
    impl.grad = add(impl.grad, g);
  else if (impl.op != nullptr)
    impl.grad = g;  // an intermediate's: read by this pass only, and cleared by the next
  else  // a leaf's is a copy, as in the first-order pass: g may be another input's too (add's),
    impl.grad = g.requires_grad() ? g.clone() : g.detach().clone();  // and .grad is written to
}

OnlyLeavesScope::OnlyLeavesScope(const Tape& tape, const std::vector<Tensor>& leaves)
    : previous_tape_(only_tape), previous_leaves_(only_leaves) {
  only_tape = &tape;
  only_leaves = &leaves;
}
OnlyLeavesScope::~OnlyLeavesScope() {
  only_tape = previous_tape_;
  only_leaves = previous_leaves_;
}
bool wants_gradient(const TensorImpl& impl) {
  if (impl.op != nullptr || only_leaves == nullptr || only_tape != &current_tape()) return true;
  return std::any_of(only_leaves->begin(), only_leaves->end(),
                     [&](const Tensor& t) { return t.impl() == &impl; });
}

Tensor record_first_order(const char* op, std::vector<Tensor> inputs, Tensor output,
                          BackwardFn backward, CompositeFn composite) {
  if (!needs_grad(inputs)) return record(op, std::move(inputs), std::move(output), nullptr);
  std::vector<Tensor> saved = inputs;  // the composite's inputs, should create_graph need them
  return record(op, std::move(inputs), std::move(output),
                [op, backward = std::move(backward), composite = std::move(composite),
                 saved = std::move(saved)](Tensor&& g) {
                  if (!is_creating_graph()) return backward(std::move(g));
                  if (!composite)
                    fail(op, "create_graph: this op's backward is a hand-written loop, not "
                             "recorded ops, and it has no composite form to differentiate "
                             "instead; take this derivative without create_graph");
                  // Run the op again as recorded ops (the inputs keep their history), then pass
                  // g back through those records alone: their backward functions are recorded
                  // too, so the inputs' gradients come out with a history.
                  Tape& tape = current_tape();
                  const std::size_t first = tape.size();
                  const Tensor out = composite(saved);
                  if (!out.requires_grad()) return;  // it does not depend on the inputs
                  for (const Tensor& input : saved)  // it is one of them (checkpoint of x -> x)
                    if (input.impl() == out.impl()) return accumulate_grad(input, g);
                  if (out.shape() != g.shape())
                    fail(op, "create_graph: its composite form gives shape ", out.shape(),
                         " but the gradient has shape ", g.shape());
                  tape.backward_composite(first, out, g);
                });
}

void Tape::backward_composite(std::size_t first, const Tensor& out, const Tensor& g) {
  const TensorImpl& o = *out.impl();
  if (o.op == nullptr || o.tape != this || o.released || records_.size() <= first ||
      o.record_id < records_[first].id)
    fail("create_graph", "a composite form must compute its result with recorded ops");
  out.impl()->grad = g;
  // The same walk as Tape::backward, over the composite's records only (the ones after them are
  // this walk's own). They are kept: the gradients' history goes through them.
  const std::size_t end = records_.size();
  for (std::size_t i = end; i-- > first;) {
    if (!records_[i].output.impl()->grad.defined() || !records_[i].backward) continue;
    const BackwardFn backward = records_[i].backward;  // a copy: the deque grows meanwhile
    backward(Tensor(records_[i].output.impl()->grad));
  }
  // The composite's own intermediate gradients are of no further use; held, they would keep
  // this walk's records alive after whatever uses the inputs' gradients is done with them.
  for (std::size_t i = first; i < end; ++i) records_[i].output.impl()->grad = Tensor();
}

void Tape::drop_unreachable() {
  // Again until a pass drops nothing: an older record let go may free a .grad that held a newer
  // record's output.
  for (bool dropped = true; dropped;) {
    dropped = false;
    for (std::size_t i = records_.size(); i-- > 0;) {
      Record& rec = records_[i];
      if (!rec.output.defined() || rec.output.impl_ptr().use_count() != 1) continue;
      rec.output.impl()->released = true;
      rec.backward = nullptr;  // lets go of what it saved, and of its inputs below
      rec.inputs.clear();
      rec.output = Tensor();
      dropped = true;
    }
  }
  drop_emptied();
}

}  // namespace tg
