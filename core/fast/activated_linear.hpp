// core/fast/activated_linear.hpp — a feed-forward block's down projection fused with the
// activation before it.
//
// Layer: activations. Shapes: a (..., h); b (..., h) or an undefined Tensor; weight (out, h);
// bias (out,) or undefined -> (..., out).
//
//   activated_linear(a, b, W, bias, act)  = linear(act(a) * b, W, bias)   gated (GLU family)
//   activated_linear(a, {}, W, bias, act) = linear(act(a), W, bias)       plain (ReLU, GELU, ...)
//
// Why one op: written as two, the hidden layer z = act(a) * b is kept from the forward pass to
// the backward pass by linear's record (dW = g^T z needs it), while the activation's record keeps
// a and b for its own backward. This op keeps only a and b, and computes z again in backward: one
// elementwise pass, in exchange for a (tokens x h) tensor per layer not kept (the trade of
// activation checkpointing, on the cheapest part of the block). Backward, from g (..., out):
//   z  = act(a) * b                    again, with the same code: the same numbers
//   dW = g^T z;   dbias = sum over rows of g;   dz = g W
//   db = dz act(a);   da = dz b act'(a)          (plain: da = dz act'(a))
// The results equal those of the separate ops (gated, then linear) to the last bit: the loops are
// gated()'s own (gate_kernels.hpp). Against relu/gelu/silu then linear, whose loops are their
// own with the same expressions, they agree to a few units in the last place, and exactly in the
// default build (test: "activated_linear equals the activation then linear").
#pragma once

#include "activations/glu.hpp"
#include "core/fast/switch.hpp"
