// core/tape.cpp — see tape.hpp for the algorithm.
#include "core/tape.hpp"

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <set>

#include "core/course.hpp"
#include "core/error.hpp"
#include "core/ops.hpp"

namespace tg {

namespace {
thread_local bool grad_enabled = true;
thread_local bool anomaly_detection = false;
// Set while backward functions run: their inner ops (the mul and div that make up a derivative)
// are not checked one by one; the result is checked per record, under the record's name.
thread_local bool running_backward = false;

bool has_nan(const Tensor& t) {
  return dispatch(t.dtype(), [&](auto zero) {
    const auto* p = t.data<decltype(zero)>();
    for (std::int64_t i = 0; i < t.numel(); ++i)
      if (p[i] != p[i]) return true;
    return false;
  });
}

// The check anomaly detection makes after an op (forward) or a backward function ran.
void check_for_nan(const char* op, const std::vector<Tensor>& inputs, const Tensor& output,
                   const char* what) {
  if (!has_nan(output)) return;
  std::string shapes;
  for (const Tensor& in : inputs) {
    if (!shapes.empty()) shapes += ", ";
    shapes += to_string(in.shape());
    if (has_nan(in))
      fail("anomaly", "'", op, "' received NaN in an input of shape ", in.shape(),
           ": it came from outside the recorded ops (check the data)");
  }
  fail("anomaly", "'", op, "' produced NaN ", what, " from finite inputs (input shapes ", shapes,
       ")");
}

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
bool is_anomaly_detection_enabled() {
  return anomaly_detection;
}
void set_anomaly_detection(bool enabled) {
  anomaly_detection = enabled;
}
void set_grad_enabled(bool enabled) {
  grad_enabled = enabled;
}

namespace {
// needs_grad for any range of tensors (the two overloads differ only in the container).
template <class Tensors>
bool any_needs_grad(const Tensors& inputs) {
  if (!grad_enabled) return false;
  for (const Tensor& t : inputs)
    if (t.requires_grad()) return true;
  return false;
}
}  // namespace

bool needs_grad(std::initializer_list<Tensor> inputs) {
  return any_needs_grad(inputs);
}
bool needs_grad(const std::vector<Tensor>& inputs) {
  return any_needs_grad(inputs);
}

Tensor record(const char* op, std::vector<Tensor> inputs, Tensor output, BackwardFn backward) {
  if (anomaly_detection && !running_backward) check_for_nan(op, inputs, output, "in its output");
  if (!needs_grad(inputs)) return output;
  current_tape().append(op, std::move(inputs), output, std::move(backward));
  return output;
}

void Tape::append(const char* op, std::vector<Tensor>&& inputs, const Tensor& output,
                  BackwardFn&& backward) {
  TensorImpl& out = *output.impl();
  const std::uint64_t id = next_id_++;
  out.requires_grad = true;
  out.op = op;
  out.tape = this;
  out.record_id = id;
  out.released = false;
  Record& record = records_.emplace_back();  // filled in place: each part is moved once
  record.op = op;
  record.inputs = std::move(inputs);
  record.output = output;
  record.backward = std::move(backward);
  record.id = id;
}

std::int64_t Tape::saved_bytes() const {
  std::set<const Storage*> seen;
  std::int64_t bytes = 0;
  auto count = [&](const Tensor& t) {
    if (!t.defined() || t.is_leaf() || !seen.insert(t.impl()->storage.get()).second) return;
    bytes += t.numel() * (t.dtype() == float32 ? 4 : 8);
  };
  for (const Record& rec : records_) {
    for (const Tensor& in : rec.inputs) count(in);
    count(rec.output);
  }
  return bytes;
}

void Tape::clear() {
  // Released, and on no tape: "released" alone would read as "by an earlier backward", and this
  // tape's address may be reused by a later thread's tape once this thread has exited.
  for (Record& rec : records_)
    if (rec.output.defined()) {
      rec.output.impl()->released = true;
      rec.output.impl()->tape = nullptr;
    }
  records_.clear();
}

namespace {
// Why the record that made `impl` cannot be used here, for the error messages below.
const char* why_unusable(const TensorImpl& impl) {
  if (impl.tape == nullptr)
    return "is gone: its tape was cleared, or the thread that recorded it has exited (each "
           "thread records on its own tape). Run the forward pass again on this thread";
  if (impl.released)
    return "was already released by an earlier backward. Pass retain_graph=true to the earlier "
           "backward to differentiate the same graph twice";
  return "is on another thread's tape: call backward on the thread that ran the forward pass";
}
}  // namespace

Tape::~Tape() {
  clear();
}

namespace {
// A leaf (a parameter) may be shared by threads that each run backward on their own tape, as in
// PyTorch (Hogwild training, two models sharing an embedding): two += into one gradient at once
// would lose one of them. So the update of a leaf's gradient holds a lock, one of 64 picked by
// the tensor's address (a mutex per tensor would grow every tensor for the sake of a few
// leaves). An intermediate tensor belongs to one tape, so one thread: it needs no lock.
std::unique_lock<std::mutex> lock_if_leaf(const TensorImpl& impl) {
  static std::mutex locks[64];
  if (impl.op != nullptr) return {};
  return std::unique_lock<std::mutex>(locks[(reinterpret_cast<std::uintptr_t>(&impl) >> 6) % 64]);
}
}  // namespace

void accumulate_grad(const Tensor& input, const Tensor& grad) {
  if (!input.requires_grad()) return;
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
  Tensor g = sum_to_shape(grad, input.shape());
  std::unique_lock<std::mutex> lock = lock_if_leaf(impl);
  if (!impl.grad.defined()) {
    // Copy rather than share: g may be another input's gradient too (add passes its output
    // gradient to both inputs), and the next += must not change both.
    impl.grad = g.detach().clone();
  } else {
    add_(impl.grad, g);
  }
}

void accumulate_grad(const Tensor& input, Tensor&& grad) {
  // A temporary (mul(g, b)) that nothing else holds or views can become the first gradient as
  // it is, saving a copy; PyTorch's AccumulateGrad takes over a gradient the same way.
  std::unique_lock<std::mutex> lock;
  if (input.requires_grad()) lock = lock_if_leaf(*input.impl());
  if (input.requires_grad() && !input.impl()->grad.defined() && grad.defined() &&
      grad.impl_ptr().use_count() == 1 && grad.impl()->storage.use_count() == 1 && grad.is_leaf() &&
      grad.shape() == input.shape() && grad.dtype() == input.dtype() &&
      (input.impl()->op == nullptr ||
       (!input.impl()->released && input.impl()->tape == &current_tape()))) {
    input.impl()->grad = std::move(grad);
    return;
  }
  if (lock.owns_lock()) lock.unlock();  // the overload below takes it again
  accumulate_grad(input, static_cast<const Tensor&>(grad));
}

namespace {
// Runs one record's backward function. With anomaly detection on, the ops inside it are not
// checked one by one (a derivative's inner mul and div would be blamed); the gradients it
// produced are checked instead, under the record's own name.
void run_backward(const Record& rec, Tensor&& g) {
  if (!anomaly_detection) return rec.backward(std::move(g));
  const bool outer = running_backward;  // a checkpoint's backward runs a backward inside one
  running_backward = true;
  try {
    rec.backward(Tensor(g));  // a handle of its own: g is read again below
  } catch (...) {
    running_backward = outer;
    throw;
  }
  running_backward = outer;
  for (const Tensor& in : rec.inputs)
    if (in.requires_grad() && in.grad().defined() && has_nan(in.grad()) && !has_nan(g))
      fail("anomaly", "the backward of '", rec.op,
           "' produced NaN in the gradient of an input of shape ", in.shape(),
           " from a finite output gradient");
}
}  // namespace

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
  if (r.released || r.tape != this)
    fail("backward", "the record of '", r.op, "' (output shape ", root.shape(), ") ",
         why_unusable(r));

  // Records are kept in id order, so the root's is found by binary search.
  const auto root_at =
      std::lower_bound(records_.begin(), records_.end(), r.record_id,
                       [](const Record& rec, std::uint64_t id) { return rec.id < id; });
  const std::size_t last = static_cast<std::size_t>(root_at - records_.begin());

  // Intermediate gradients describe one backward pass; clear any left from an earlier one.
  for (std::size_t i = 0; i <= last; ++i) records_[i].output.impl()->grad = Tensor();
  root.impl()->grad = seed_grad.detach().clone();

  // Releases what a record held once the gradient has flowed past it. No later step of this
  // walk can send its output another gradient (only records after it read the output, and those
  // are done), so its inputs, its closure's saved tensors and its output go now rather than at
  // the end: activations are freed one by one as the walk goes back. The output's gradient goes
  // with the output, unless someone outside the tape holds the output and can still read its
  // grad. Freeing the outputs too, not only the inputs and closures, took the small benchmark
  // model's peak of live tensors from 51 to 47 MB.
  auto release = [](Record& done) {
    done.output.impl()->released = true;  // a second backward through it is now an error
    done.backward = nullptr;
    done.inputs.clear();
    done.output = Tensor();
  };
  try {
    if (course::engine().backward_walk) {  // the learner's walk (ex19), when the course put it in
      course::engine().backward_walk(records_, last, [&](std::size_t i) {
        if (!retain_graph) release(records_[i]);
      });
      drop_emptied();
      return;
    }
    for (std::size_t i = last + 1; i-- > 0;) {
      Record& rec = records_[i];
      Tensor& grad = rec.output.impl()->grad;
      if (!grad.defined()) continue;  // no path from this record to the root
      // When the record is the output's only holder and is released next, nobody can read this
      // gradient again: the backward function gets it to keep (add passes it on to an input
      // without a copy). Otherwise it gets a handle to it, and any taker must copy.
      const bool sole_holder = !retain_graph && rec.output.impl_ptr().use_count() == 1;
      Tensor g = sole_holder ? std::move(grad) : grad;
      run_backward(rec, std::move(g));          // rec.backward(g), plus the anomaly checks when on
      if (!retain_graph) release(records_[i]);  // looked up again: rec is not used past the call
    }
  } catch (...) {
    drop_emptied();  // even after an error, every record on the tape still has its output
    throw;
  }
  drop_emptied();  // records of other graphs stay
}

void Tape::drop_emptied() {
  records_.erase(std::remove_if(records_.begin(), records_.end(),
                                [](const Record& rec) { return !rec.output.defined(); }),
                 records_.end());
}

}  // namespace tg
