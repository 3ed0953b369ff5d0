// core/fast/activated_linear.hpp — a feed-forward block's down projection fused with the
// activation before it.
//
// Fast floor. Reference twin: FFNMemory::Recompute on the readable floor (layers/ffn.cpp's
// down_recomputing_hidden: checkpoint() around the activation and down_proj). Tests: "the FFN's
// recomputing down projection equals the readable one" (tests/core/test_floors.cpp) and
// "activated_linear equals the activation then linear" (tests/activations/test_glu.cpp).
// Declared in core/fast/switch.hpp. Shapes: a (..., h); b (..., h) or an undefined Tensor;
// weight (out, h); bias (out,) or undefined -> (..., out).
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
// With the gated family the results equal the fast floor's gated op then linear to the last bit
// (the same loops, gate_kernels.hpp); a plain activation agrees with the readable relu, gelu or
// silu op to a few float ulp (those use std::exp, this fast_math's).
#pragma once

#include "core/activation_math.hpp"  // GateActivation
#include "core/fast/switch.hpp"
