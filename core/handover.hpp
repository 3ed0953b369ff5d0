// core/handover.hpp — handing a gradient over instead of copying it (a memory optimisation).
//
// Layer: core. Not part of the algorithm (core/tape.cpp reads the same without it): it saves a
// copy of a gradient where nobody else can read the original. PyTorch's AccumulateGrad takes
// over a gradient the same way. Two places:
//   - the walk: a record that is released after it runs and is its output's only holder gives
//     the output's gradient to its backward function to keep (take_gradient); add then passes
//     it on to one input as it is (core/ops_arithmetic.cpp);
//   - accumulate_grad(input, temporary): a gradient that nothing else holds or views becomes the
//     input's first gradient as it is (adopt_gradient).
// Measured with `bench --only step --ffns swiglu --threads 1` (docs/architecture.md): without
// it the peak of live tensors is 7% higher (small: 43.2 vs 40.2 MB; medium: 93.7 vs 87.7 MB)
// and a step 3-5% slower. Test: "add passes its output's gradient on to an input without a copy".
#pragma once

#include "core/tape.hpp"

namespace tg {

// The gradient of `rec`'s output for its backward function: the tensor itself (moved out) when
// the record is released next (!retain_graph) and holds the output alone, else a handle to it.
Tensor take_gradient(Record& rec, bool retain_graph);

// Makes `grad` the first gradient of `input` without a copy when that is safe: input wants a
// gradient and has none yet, grad has input's shape and dtype, and nothing else holds or views
// grad or its storage. Returns whether it did (grad is then moved from).
bool adopt_gradient(const Tensor& input, Tensor& grad);

}  // namespace tg
