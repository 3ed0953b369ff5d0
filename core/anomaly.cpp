// core/anomaly.cpp — see anomaly.hpp.
#include "core/anomaly.hpp"

#include <string>

#include "core/error.hpp"
#include "core/formats/print.hpp"
#include "core/ops.hpp"

namespace tg {

namespace {
thread_local bool anomaly_detection = false;
// Set while a checked backward function runs: its inner ops (the mul and div that make up a
// derivative) are not checked one by one; the result is checked under the record's name.
thread_local bool running_backward = false;

bool has_nan(const Tensor& t) {
  return dispatch(t.dtype(), [&](auto zero) {
    const auto* p = t.data<decltype(zero)>();
    for (std::int64_t i = 0; i < t.numel(); ++i)
      if (p[i] != p[i]) return true;
    return false;
  });
}
}  // namespace

bool is_anomaly_detection_enabled() {
  return anomaly_detection;
}
void set_anomaly_detection(bool enabled) {
  anomaly_detection = enabled;
}

void anomaly::check_output(const char* op, const std::vector<Tensor>& inputs,
                           const Tensor& output) {
  if (running_backward || !has_nan(output)) return;
  std::string shapes;
  for (const Tensor& in : inputs) {
    if (!shapes.empty()) shapes += ", ";
    shapes += to_string(in.shape());
    if (has_nan(in))
      fail("anomaly", "'", op, "' received NaN in an input of shape ", in.shape(),
           ": it came from outside the recorded ops (check the data)");
  }
  fail("anomaly", "'", op, "' produced NaN in its output from finite inputs (input shapes ",
       shapes, ")");
}

namespace {
// A record's backward function, wrapped: after it runs, the gradients of the record's inputs are
// checked for NaN. A named type, so that a record already wrapped (a graph walked again with
// retain_graph) is recognised and not wrapped twice.
struct CheckedBackward {
  const char* op;
  std::vector<Tensor> inputs;
  BackwardFn backward;

  void operator()(Tensor&& g) const {
    const bool outer = running_backward;  // a checkpoint's backward runs a backward inside one
    running_backward = true;
    try {
      backward(Tensor(g));  // a handle of its own: g is read again below
    } catch (...) {
      running_backward = outer;
      throw;
    }
    running_backward = outer;
    for (const Tensor& in : inputs)
      if (in.requires_grad() && in.grad().defined() && has_nan(in.grad()) && !has_nan(g))
        fail("anomaly", "the backward of '", op,
             "' produced NaN in the gradient of an input of shape ", in.shape(),
             " from a finite output gradient");
  }
};
}  // namespace

void anomaly::check_backwards(std::deque<Record>& records, std::size_t last) {
  for (std::size_t i = 0; i <= last && i < records.size(); ++i) {
    Record& rec = records[i];
    if (!rec.backward || rec.backward.target<CheckedBackward>()) continue;  // released, or done
    rec.backward = CheckedBackward{rec.op, rec.inputs, std::move(rec.backward)};
  }
}

int anomaly::check_depth(const BackwardFn& backward) {
  int depth = 0;
  const BackwardFn* f = &backward;
  while (const auto* checked = f->target<CheckedBackward>()) ++depth, f = &checked->backward;
  return depth;
}

}  // namespace tg
