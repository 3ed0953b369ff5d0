// core/tape.cpp — see tape.hpp for the algorithm.
#include "core/tape.hpp"

#include <algorithm>
#include <set>

#include "core/error.hpp"
#include "core/ops.hpp"

namespace tg {

namespace {
thread_local bool grad_enabled = true;

// The tape ops record on: this thread's own, unless a TapeScope has put another in its place.
Tape*& active_tape() {
  thread_local Tape thread_tape;
  thread_local Tape* active = &thread_tape;
  return active;
}
}  // namespace

Tape& current_tape() {
  return *active_tape();
}

TapeScope::TapeScope(Tape& tape) : previous_(active_tape()) {
  active_tape() = &tape;
}
TapeScope::~TapeScope() {
  active_tape() = previous_;
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
  record.id = next_id_++;
  out.requires_grad = true;
  out.op = record.op;
  out.tape = this;
  out.record_id = record.id;
  out.released = false;
  records_.push_back(std::move(record));
}

std::int64_t Tape::saved_bytes() const {
  std::set<const Storage*> seen;
  std::int64_t bytes = 0;
  auto count = [&](const Tensor& t) {
    if (t.is_leaf() || !seen.insert(t.impl()->storage.get()).second) return;
    bytes += t.numel() * (t.dtype() == float32 ? 4 : 8);
  };
  for (const Record& rec : records_) {
    for (const Tensor& in : rec.inputs) count(in);
    count(rec.output);
  }
  return bytes;
}

void Tape::clear() {
  for (Record& rec : records_) rec.output.impl()->released = true;
  records_.clear();
}

Tape::~Tape() {
  clear();
}

void accumulate_grad(const Tensor& input, const Tensor& grad) {
  if (!input.requires_grad()) return;
  TensorImpl& impl = *input.impl();
  // An intermediate whose record is gone cannot pass the gradient on to what made it: stop
  // loudly rather than return gradients that silently miss that path.
  if (impl.op != nullptr && (impl.released || impl.tape != &current_tape()))
    fail("backward", "the gradient reached a tensor made by '", impl.op, "' (shape ", input.shape(),
         ") whose record ",
         impl.released ? "was already released by an earlier backward"
                       : "is on another thread's tape",
         ", so it cannot flow further. Pass retain_graph=true to the earlier backward, or use "
         "detach() where no gradient should flow");
  if (grad.dtype() != input.dtype())
    fail("accumulate_grad", "gradient is ", dtype_name(grad.dtype()), " but the input is ",
         dtype_name(input.dtype()));
  Tensor g = sum_to_shape(grad, input.shape());
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
  if (r.released)
    fail("backward", "the records of '", r.op, "' (output shape ", root.shape(), ") were ",
         "already released by an earlier backward. Pass retain_graph=true to the first backward ",
         "to differentiate the same graph twice");

  // Records are kept in id order, so the root's is found by binary search.
  const auto root_at =
      std::lower_bound(records_.begin(), records_.end(), r.record_id,
                       [](const Record& rec, std::uint64_t id) { return rec.id < id; });
  const std::size_t last = static_cast<std::size_t>(root_at - records_.begin());

  // Intermediate gradients describe one backward pass; clear any left from an earlier one.
  for (std::size_t i = 0; i <= last; ++i) records_[i].output.impl()->grad = Tensor();
  root.impl()->grad = seed_grad.detach().clone();

  std::vector<bool> reached(last + 1, false);
  for (std::size_t i = last + 1; i-- > 0;) {
    const Record& rec = records_[i];
    const Tensor& g = rec.output.impl()->grad;
    if (!g.defined()) continue;  // no path from this record to the root
    reached[i] = true;
    rec.backward(g);
  }

  if (!retain_graph) {
    // Release the records this backward went through; records of other graphs stay.
    std::size_t kept = 0;
    for (std::size_t i = 0; i < records_.size(); ++i) {
      if (i <= last && reached[i]) {
        records_[i].output.impl()->released = true;
      } else {
        if (kept != i) records_[kept] = std::move(records_[i]);
        ++kept;
      }
    }
    records_.resize(kept);
  }
}

}  // namespace tg
