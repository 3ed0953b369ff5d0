// Reference solution to ex19.
#include "exercises.hpp"

namespace ex {

void backward_walk(std::vector<tg::Record>& records, std::size_t last,
                   const std::function<void(std::size_t)>& done) {
  // Execution order is a topological order, so its reverse is one too: by the time record i
  // runs, every record that read its output (all later than i) has passed its gradient back.
  for (std::size_t i = last + 1; i-- > 0;) {
    tg::Record& rec = records[i];
    const Tensor grad = rec.output.grad();
    if (!grad.defined()) continue;  // no path from this record to the root: nothing to pass on
    rec.backward(Tensor(grad));
    done(i);
  }
}

}  // namespace ex
