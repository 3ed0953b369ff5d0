// core/checkpoint.hpp — activation checkpointing: trade compute for memory.
//
// Layer: core. Normally every op inside a block records its inputs, so the tape holds all of the
// block's intermediate activations until backward. checkpoint(fn, inputs, params) instead runs
// fn with recording off and records ONE op whose saved tensors are only `inputs`. In backward it
// runs fn again, this time recording on a private tape, and differentiates that recomputation:
//
//   memory: the block's inputs and output instead of every intermediate
//   compute: the block's forward runs twice
//
// Shapes: whatever fn maps its inputs to. fn must be deterministic (draw random numbers such as
// dropout masks outside it and capture them) and may use `params` (leaves, e.g. a layer's weights)
// directly: their gradients accumulate during the recomputation. `params` is also how the
// checkpoint knows its output needs grad when no input does.
#pragma once

#include <functional>
#include <vector>

#include "core/tensor.hpp"

namespace tg {

using CheckpointFn = std::function<Tensor(const std::vector<Tensor>&)>;

Tensor checkpoint(const CheckpointFn& fn, const std::vector<Tensor>& inputs,
                  const std::vector<Tensor>& params = {});

}  // namespace tg
