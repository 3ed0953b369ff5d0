// core/checkpoint.cpp — see checkpoint.hpp.
#include "core/checkpoint.hpp"

#include "core/create_graph.hpp"
#include "core/error.hpp"
#include "core/tape.hpp"

namespace tg {

Tensor checkpoint(const CheckpointFn& fn, const std::vector<Tensor>& inputs,
                  const std::vector<Tensor>& params) {
  Tensor out;
  {
    NoGradGuard no_grad;  // nothing inside fn is recorded: that is the memory saved
    // A fresh handle: fn may return one of its inputs or a captured tensor, which must not be
    // turned into this op's output.
    out = fn(inputs).detach();
  }
  std::vector<Tensor> recorded = inputs;
  recorded.insert(recorded.end(), params.begin(), params.end());
  for (const Tensor& p : params)
    if (!p.is_leaf())
      fail("checkpoint", "params must be leaves; got a tensor made by '", p.op(), "'");
  return record_first_order("checkpoint", recorded, out, [fn, inputs, params](const Tensor& g) {
    // Recompute on a private tape, with fresh leaves standing in for the inputs so that their
    // gradients can be read off and passed on; params accumulate their own gradients, unless
    // tg::grad did not ask for them (create_graph.hpp's OnlyLeavesScope, asked on this tape).
    std::vector<Tensor> leaves, wanted;
    for (const Tensor& x : inputs) {
      Tensor leaf = x.detach();
      leaf.requires_grad_(x.requires_grad());
      leaves.push_back(leaf);
      wanted.push_back(leaf);
    }
    for (const Tensor& p : params)
      if (wants_gradient(*p.impl())) wanted.push_back(p);
    {
      Tape tape;
      TapeScope scope(tape);
      OnlyLeavesScope only(tape, wanted);
      Tensor y;
      {
        GradModeGuard record_again(true);  // backward runs with grad off; this must record
        y = fn(leaves);
      }
      if (y.requires_grad()) y.backward(g);
    }
    // Back on the outer tape: pass the inputs' gradients on.
    for (std::size_t i = 0; i < inputs.size(); ++i)
      if (leaves[i].grad().defined()) accumulate_grad(inputs[i], leaves[i].grad());
  }, [fn, n = inputs.size()](const std::vector<Tensor>& in) {
    // The composite form (create_graph, tape.hpp) is fn itself, run again with recording on:
    // under create_graph, checkpointing saves no memory.
    return fn(std::vector<Tensor>(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(n)));
  });
}

}  // namespace tg
