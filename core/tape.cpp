// core/tape.cpp — see tape.hpp for the algorithm.
#include "core/tape.hpp"

#include "core/error.hpp"
#include "core/ops.hpp"

namespace tg {

namespace {
thread_local bool grad_enabled = true;
}  // namespace

Tape& current_tape() {
  thread_local Tape tape;
  return tape;
}

bool is_grad_enabled() {
  return grad_enabled;
}
void set_grad_enabled(bool enabled) {
  grad_enabled = enabled;
}

bool needs_grad(std::initializer_list<Tensor> inputs) {
  if (!grad_enabled) return false;
  for (const Tensor& t : inputs)
    if (t.requires_grad()) return true;
  return false;
}

bool needs_grad(const std::vector<Tensor>& inputs) {
  if (!grad_enabled) return false;
  for (const Tensor& t : inputs)
    if (t.requires_grad()) return true;
  return false;
}

Tensor record(const char* op, std::vector<Tensor> inputs, Tensor output, BackwardFn backward) {
  if (!needs_grad(inputs)) return output;
  current_tape().append(Record{op, std::move(inputs), output, std::move(backward)});
  return output;
}

void Tape::append(Record record) {
  TensorImpl& out = *record.output.impl();
  out.requires_grad = true;
  out.op = record.op;
  out.tape = this;
  out.record_id = first_id_ + records_.size();
  records_.push_back(std::move(record));
}

void Tape::clear() {
  first_id_ += records_.size();
  records_.clear();
}

void accumulate_grad(const Tensor& input, const Tensor& grad) {
  if (!input.requires_grad()) return;
  if (grad.dtype() != input.dtype())
    fail("accumulate_grad", "gradient is ", dtype_name(grad.dtype()), " but the input is ",
         dtype_name(input.dtype()));
  Tensor g = sum_to_shape(grad, input.shape());
  TensorImpl& impl = *input.impl();
  if (!impl.grad.defined()) {
    // Copy rather than share: g may be another input's gradient too (add passes its output
    // gradient to both inputs), and the next += must not change both.
    impl.grad = g.detach().clone();
  } else {
    add_(impl.grad, g);
  }
}

void Tape::backward(const Tensor& root, const Tensor& seed, bool retain_graph) {
  if (!root.defined()) fail("backward", "called on an undefined tensor");
  if (!root.requires_grad())
    fail("backward", "the tensor of shape ", root.shape(), " does not require grad: no input of ",
         "the ops that made it had requires_grad_() set (or grad mode was off)");
  Tensor seed_grad = seed;
  if (!seed_grad.defined()) {
    if (root.numel() != 1)
      fail("backward", "the output has shape ", root.shape(), "; backward() without a seed ",
           "needs a one-element (scalar) output. Pass a seed gradient of shape ", root.shape());
    seed_grad = full(root.shape(), 1.0, root.dtype());
  } else if (seed_grad.shape() != root.shape() || seed_grad.dtype() != root.dtype()) {
    fail("backward", "the seed gradient has shape ", seed_grad.shape(), " (",
         dtype_name(seed_grad.dtype()), ") but the output has shape ", root.shape(), " (",
         dtype_name(root.dtype()), ")");
  }

  NoGradGuard no_grad;  // backward functions compute with ops; those must not be recorded
  const TensorImpl& r = *root.impl();
  if (r.op == nullptr) {  // a leaf: its gradient with respect to itself is the seed
    accumulate_grad(root, seed_grad);
    return;
  }
  if (r.tape != this)
    fail("backward", "the tensor (made by '", r.op, "') was recorded on another thread's tape");
  if (r.record_id < first_id_)
    fail("backward", "the records of '", r.op, "' (output shape ", root.shape(), ") were ",
         "already released by an earlier backward. Pass retain_graph=true to the first backward ",
         "to differentiate the same graph twice");

  const std::size_t last = r.record_id - first_id_;
  // Intermediate gradients describe one backward pass; clear any left from an earlier one.
  for (std::size_t i = 0; i <= last; ++i) records_[i].output.impl()->grad = Tensor();
  root.impl()->grad = seed_grad.detach().clone();

  for (std::size_t i = last + 1; i-- > 0;) {
    const Record& rec = records_[i];
    const Tensor& g = rec.output.impl()->grad;
    if (g.defined()) rec.backward(g);  // undefined: no path from this record to the root
  }

  if (!retain_graph) {
    records_.erase(records_.begin(), records_.begin() + static_cast<std::ptrdiff_t>(last + 1));
    first_id_ += last + 1;
  }
}

}  // namespace tg
