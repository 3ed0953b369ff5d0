// activations/glu.hpp — the gated linear unit family as functions.
//
// Layer: activations. A gated unit multiplies a *value* by an activation of a *gate*:
//
//   gated(gate, value) = act(gate) * value           (elementwise)
//
// act is one of the kinds of core/activation_math.hpp's table (GateActivation), each with its
// family member's name and source:
//
//   act        name       source
//   sigmoid    GLU        Dauphin et al. 2017
//   identity   Bilinear   Mnih & Hinton 2007 (cited by Shazeer 2020)
//   relu       ReGLU      Shazeer 2020, "GLU Variants Improve Transformer"
//   gelu       GEGLU      Shazeer 2020 (exact erf GELU)
//   swish      SwiGLU     Shazeer 2020 (swish with beta = 1, i.e. SiLU; PaLM, Llama)
//
// Two ways to pass gate and value:
// - separately, gated(gate, value, act), as a layer with two projections xW (gate) and xV
//   (value) does;
// - as the two halves of one tensor along an axis (the "chunked" form, as PyTorch's F.glu and a
//   fused d -> 2h projection). Which half is which is the parameter HalfOrder (its two orders
//   are explained beside it, in core/activation_math.hpp): ValueFirst, the default, is PyTorch's
//   F.glu.
// The letters: a is always the gate, b always the value (here, in glu.cpp, docs/gated-ffn.md).
//
// Shapes: gated: gate and value broadcast together. Chunked: x is (..., 2h, ...) along `axis`,
// out is (..., h, ...).
//
// Each function has a fused form (one op; the record keeps only the inputs, and backward
// recomputes act(gate)) and a *_composite form built from primitives (chunk, the activation,
// mul) that keeps every intermediate. Tests prove the two agree in values and gradients.
#pragma once

#include <cstdint>

#include "core/activation_math.hpp"  // GateActivation, HalfOrder, gate_activation_name, gated_name
#include "core/tensor.hpp"

namespace tg {

// The activation alone, as its tensor op (sigmoid, x itself, relu, gelu, silu): the composite
// forms use it, and the FFN's plain (ungated) kinds.
Tensor gate_activation_op(GateActivation act, const Tensor& x);

// act(gate) * value. Backward: dvalue = g act(gate), dgate = g value act'(gate). Under
// create_graph: gated_composite's records, differentiated; on the fast floor, for gate and value
// of one shape, gated(gate, g) and gated_slope(gate, g value), recorded (fewer passes).
Tensor gated(const Tensor& gate, const Tensor& value, GateActivation act);
Tensor gated_composite(const Tensor& gate, const Tensor& value, GateActivation act);
// act'(gate) * value, for gate and value of one shape (else throws tg::Error naming
// "gated_slope" and both shapes): gated's derivative by its gate, as an op, so that gated's
// backward under create_graph is made of ops. Backward: dvalue = g act'(gate),
// dgate = g value act''(gate) (core/activation_math.hpp). Twice differentiable it is not: under
// create_graph (a third derivative of act) its backward throws, naming it.
Tensor gated_slope(const Tensor& gate, const Tensor& value, GateActivation act);

// x split in two halves along `axis`, then gated. The axis size must be even.
Tensor gated_halves(const Tensor& x, GateActivation act, std::int64_t axis = -1,
                    HalfOrder order = HalfOrder::ValueFirst);
Tensor gated_halves_composite(const Tensor& x, GateActivation act, std::int64_t axis = -1,
                              HalfOrder order = HalfOrder::ValueFirst);

// The family by name, chunked (PyTorch's convention by default).
Tensor glu(const Tensor& x, std::int64_t axis = -1, HalfOrder order = HalfOrder::ValueFirst);
Tensor bilinear(const Tensor& x, std::int64_t axis = -1, HalfOrder order = HalfOrder::ValueFirst);
Tensor reglu(const Tensor& x, std::int64_t axis = -1, HalfOrder order = HalfOrder::ValueFirst);
Tensor geglu(const Tensor& x, std::int64_t axis = -1, HalfOrder order = HalfOrder::ValueFirst);
Tensor swiglu(const Tensor& x, std::int64_t axis = -1, HalfOrder order = HalfOrder::ValueFirst);

}  // namespace tg
