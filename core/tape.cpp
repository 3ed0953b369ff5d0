// core/tape.cpp — see tape.hpp for the algorithm. What is not the algorithm lives beside it:
// anomaly.cpp (NaN checks), handover.cpp (a gradient moved where nobody else can read it),
// leaf_locks.hpp (threads), tape_errors.cpp (the checks), create_graph.cpp (create_graph).
#include "core/tape.hpp"

#include <algorithm>

#include "core/anomaly.hpp"
#include "core/create_graph.hpp"
#include "core/error.hpp"
#include "core/handover.hpp"
#include "core/leaf_locks.hpp"
#include "core/ops.hpp"
#include "core/tape_errors.hpp"

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

Tape& current_tape() { return *active_tape(); }
TapeScope::TapeScope(Tape& tape) : previous_(active_tape()) { active_tape() = &tape; }
TapeScope::~TapeScope() { active_tape() = previous_; }

bool is_grad_enabled() { return grad_enabled; }
void set_grad_enabled(bool enabled) { grad_enabled = enabled; }

bool needs_grad(const std::vector<Tensor>& inputs) {
  return grad_enabled && std::any_of(inputs.begin(), inputs.end(),
                                     [](const Tensor& t) { return t.requires_grad(); });
}

Tensor record(const char* op, std::vector<Tensor> inputs, Tensor output, BackwardFn backward) {
  if (is_anomaly_detection_enabled()) anomaly::check_output(op, inputs, output);  // anomaly.hpp
  if (!needs_grad(inputs)) return output;
  current_tape().append(op, std::move(inputs), output, std::move(backward));
  return output;
}

void Tape::append(const char* op, std::vector<Tensor>&& inputs, const Tensor& output,
                  BackwardFn&& backward) {
  TensorImpl& out = *output.impl();  // the output remembers which record made it
  out.requires_grad = true;
  out.op = op;
  out.tape = this;
  out.record_id = next_id_;
  out.released = false;
  Record& rec = records_.emplace_back();  // filled in place: each part is moved once
  rec.op = op;
  rec.inputs = std::move(inputs);
  rec.output = output;
  rec.backward = std::move(backward);
  rec.id = next_id_++;
}

void accumulate_grad(const Tensor& input, const Tensor& grad) {
  if (!input.requires_grad() || !wants_gradient(*input.impl())) return;  // tg::grad's leaves
  TensorImpl& impl = *input.impl();
  // An intermediate whose record is gone cannot pass the gradient on to what made it: stop
  // loudly rather than return gradients that silently miss that path.
  if (impl.op != nullptr && (impl.released || impl.tape != &current_tape()))
    fail("backward", "the gradient reached a tensor made by '", impl.op, "' (shape ", input.shape(),
         "), so it cannot flow further: its record ", why_unusable(impl),
         " (or use detach() where no gradient should flow)");
  if (grad.dtype() != input.dtype())
    fail("accumulate_grad", "gradient is ", dtype_name(grad.dtype()), " but the input is ",
         dtype_name(input.dtype()));
  if (is_creating_graph()) return accumulate_recorded(input, grad);  // create_graph.cpp
  Tensor g = sum_to_shape(grad, input.shape());  // summed over the axes input was broadcast along
  std::unique_lock<std::mutex> lock = lock_if_leaf(impl);  // threads may share a leaf
  if (!impl.grad.defined())
    impl.grad = g.detach().clone();  // a copy: g may be another input's gradient too (add's)
  else
    add_(impl.grad, g);
}

// A temporary nobody else holds becomes the first gradient without a copy (handover.cpp).
void accumulate_grad(const Tensor& input, Tensor&& grad) {
  if (!adopt_gradient(input, grad)) accumulate_grad(input, static_cast<const Tensor&>(grad));
}

void Tape::backward(const Tensor& root, const Tensor& seed, bool retain_graph, bool create_graph) {
  const Tensor seed_grad = checked_seed(root, seed);  // tape_errors.cpp: ones for a scalar
  // The ops backward functions compute with are recorded only with create_graph.
  GradModeGuard mode(create_graph);
  CreateGraphScope creating(create_graph, retain_graph);
  const TensorImpl& r = *root.impl();
  if (r.op == nullptr) return accumulate_grad(root, seed_grad);  // a leaf: d(x)/d(x) = seed
  if (r.released || r.tape != this)
    fail("backward", "the record of '", r.op, "' (output shape ", root.shape(), ") ",
         why_unusable(r));

  // Records are kept in id order, so the root's is found by binary search.
  const auto root_at = std::lower_bound(records_.begin(), records_.end(), r.record_id,
                                        [](const Record& rec, std::uint64_t id) { return rec.id < id; });
  const std::size_t last = static_cast<std::size_t>(root_at - records_.begin());
  // Intermediate gradients describe one backward pass; clear any left from an earlier one.
  for (std::size_t i = 0; i <= last; ++i) records_[i].output.impl()->grad = Tensor();
  // Under create_graph the seed keeps its history (jvp differentiates with respect to it).
  root.impl()->grad = create_graph ? seed_grad : seed_grad.detach().clone();
  if (is_anomaly_detection_enabled()) anomaly::check_backwards(records_, last);  // anomaly.hpp

  // Once the gradient has flowed past a record, no later step can send its output another one
  // (only records after it read the output, and those are done): its inputs, its closure's saved
  // tensors and its output go now, so activations are freed one by one as the walk goes back.
  auto release = [](Record& done) {
    done.output.impl()->released = true;  // a second backward through it is now an error
    done.backward = nullptr;
    done.inputs.clear();
    done.output = Tensor();
  };
  try {
    // course ex19 begin: the backward walk
    for (std::size_t i = last + 1; i-- > 0;) {
      Record& rec = records_[i];
      if (!rec.output.impl()->grad.defined()) continue;  // no path from this record to the root
      rec.backward(take_gradient(rec, retain_graph));  // the output's gradient (handover.hpp)
      if (!retain_graph) release(records_[i]);  // looked up again: a backward may add records
    }
    // course ex19 end
  } catch (...) {
    drop_emptied();  // even after an error, every record on the tape still has its output
    throw;
  }
  drop_unreachable();  // and drop_emptied(): records of other graphs stay, if anything can reach them
}

void Tape::drop_emptied() {
  records_.erase(std::remove_if(records_.begin(), records_.end(),
                                [](const Record& rec) { return !rec.output.defined(); }),
                 records_.end());
}

Tape::~Tape() { clear(); }
void Tape::clear() {
  // On no tape (not just "released"): a later thread's tape may reuse this one's address.
  for (Record& rec : records_)
    if (rec.output.defined()) {
      rec.output.impl()->released = true;
      rec.output.impl()->tape = nullptr;
    }
  records_.clear();
}

}  // namespace tg
