// layers/rope.hpp — rotary position embedding (RoPE), in Hugging Face Llama's "rotate half"
// convention.
//
// Layer: layers. Shapes: x (B, H, T, hd) or (B, T, H, hd) with hd even; the tables cos and sin
// are (T, hd).
//
// RoPE (Su et al., 2021) encodes position by rotating pairs of query/key features by an angle
// proportional to the position: feature pair i of the token at position t is rotated by
// t * theta_i, theta_i = base^(-2i/hd). A dot product q.k of two rotated vectors then depends on
// the positions only through their difference. In the rotate-half layout the pair i is
// (x[i], x[i + hd/2]) and
//
//   rope(x) = x * cos + rotate_half(x) * sin,   rotate_half([x1, x2]) = [-x2, x1]
//
// with cos[t, i] = cos[t, i + hd/2] = cos(t theta_i), and likewise sin. Written with primitive
// ops (slice, neg, concat, mul, add), so the tape gives its backward: a rotation by -angle.
#pragma once

#include <cstdint>

#include "core/tensor.hpp"

namespace tg::nn {

struct RopeTables {
  Tensor cos, sin;  // (T, hd)
};

// The tables for positions 0..T-1 and head size hd (base 10000 as in Llama).
RopeTables rope_tables(std::int64_t T, std::int64_t hd, double base = 10000.0,
                       DType dtype = float32);

Tensor rotate_half(const Tensor& x);

// x (..., T, hd) rotated: x * cos + rotate_half(x) * sin. The positions may sit on another
// axis: position_axis = 1 (or -3) for x (B, T, H, hd), the heads side by side as a projection
// makes them.
Tensor apply_rope(const Tensor& x, const RopeTables& tables, std::int64_t position_axis = -2);

}  // namespace tg::nn
