// core/ops.hpp — every primitive op, declared in one place. Each is defined, forward then
// backward, in the .cpp file named in its section.
//
// Layer: core. Conventions shared by all ops:
// - Inputs must have the same dtype; a double argument takes the tensor's dtype.
// - Binary elementwise ops broadcast as NumPy does (see shape.hpp); their backward sums the
//   gradient back to each input's shape.
// - An axis may be negative (-1 is the last). keepdim keeps the reduced axis with size 1.
// - Bad shapes or axes throw tg::Error naming the op and the shapes.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "core/tensor.hpp"

namespace tg {

// ---- factories (factories.cpp; zeros and empty are in tensor.hpp) -------------------------------
Tensor ones(const Shape& shape, DType dtype = float32);
Tensor full(const Shape& shape, double value, DType dtype = float32);
Tensor scalar(double value, DType dtype = float32);  // a 0-d tensor, shape ()
Tensor zeros_like(const Tensor& t);
Tensor ones_like(const Tensor& t);
// start, start+step, ... up to but excluding end (as range() and torch.arange).
Tensor arange(double start, double end, double step = 1.0, DType dtype = float32);
// n evenly spaced values from start to end, both included.
Tensor linspace(double start, double end, std::int64_t n, DType dtype = float32);
// From a list of values: tensor({1, 2, 3, 4}, {2, 2}) is [[1,2],[3,4]]. An empty shape means
// one axis holding all the values.
Tensor tensor(const std::vector<double>& values, const Shape& shape = {}, DType dtype = float32);

// ---- elementwise: add to neg in ops_arithmetic.cpp, the rest in ops_elementwise.cpp ---------
// (the operators a + b, a * 2.0, ... call them from tensor_methods.cpp)
Tensor add(const Tensor& a, const Tensor& b);  // a + b
Tensor sub(const Tensor& a, const Tensor& b);  // a - b
Tensor mul(const Tensor& a, const Tensor& b);  // a * b
Tensor div(const Tensor& a, const Tensor& b);  // a / b
Tensor neg(const Tensor& x);                   // -x
Tensor pow(const Tensor& x, double exponent);  // x^p, d/dx = p x^(p-1)
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);  // natural log
Tensor sqrt(const Tensor& x);
Tensor abs(const Tensor& x);  // d/dx = sign(x), taken as 0 at x = 0
// min(max(x, lo), hi); the gradient passes where lo <= x <= hi and is 0 elsewhere.
Tensor clamp(const Tensor& x, double lo = -std::numeric_limits<double>::infinity(),
             double hi = std::numeric_limits<double>::infinity());
// Elementwise max/min of two tensors. Where a == b the gradient is split half and half.
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);
// condition != 0 ? a : b, elementwise, all three broadcast together. No gradient to condition.
Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b);
// x with `value` wherever mask != 0 (mask broadcasts to x's shape); no gradient flows there.
Tensor masked_fill(const Tensor& x, const Tensor& mask, double value);

// Comparisons give 1.0 where true and 0.0 where false, in a's dtype; never differentiable.
Tensor gt(const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor eq(const Tensor& a, const Tensor& b);

Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& x);
Tensor operator+(const Tensor& a, double b);
Tensor operator-(const Tensor& a, double b);
Tensor operator*(const Tensor& a, double b);
Tensor operator/(const Tensor& a, double b);
Tensor operator+(double a, const Tensor& b);
Tensor operator-(double a, const Tensor& b);
Tensor operator*(double a, const Tensor& b);
Tensor operator/(double a, const Tensor& b);

// In place and never recorded: for gradients and optimizer updates. target += source, where
// source broadcasts to target's shape.
void add_(const Tensor& target, const Tensor& source);

// ---- reductions (ops_reduce.cpp) -------------------------------------------------------------
Tensor sum(const Tensor& x);  // over every element: shape ()
Tensor sum(const Tensor& x, std::int64_t axis, bool keepdim = false);
Tensor mean(const Tensor& x);
Tensor mean(const Tensor& x, std::int64_t axis, bool keepdim = false);
// The gradient goes to the first position holding the maximum.
Tensor max(const Tensor& x);
Tensor max(const Tensor& x, std::int64_t axis, bool keepdim = false);
// Index of the largest value along an axis (the first one on ties); not differentiable.
std::vector<std::int64_t> argmax(const Tensor& x, std::int64_t axis = -1);
// Sums `grad` over broadcast axes so it takes `shape` (the reverse of broadcasting). Not recorded.
Tensor sum_to_shape(const Tensor& grad, const Shape& shape);

// ---- matrix product (ops_matmul.cpp) ---------------------------------------------------------
// (..., M, K) @ (..., K, N) -> (..., M, N); the batch axes "..." broadcast. Both need >= 2 dims.
Tensor matmul(const Tensor& a, const Tensor& b);
// The affine map of a Linear layer, in PyTorch's layout: y = x W^T + b, with x (..., in),
// weight W (out, in), bias b (out,) or an undefined Tensor for none; y is (..., out). One op:
// the product reads W transposed through batched_product's flag.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor());
// The product op(a) · op(b) over the last two axes, batched as matmul, and NOT recorded: op(x)
// is x, or x with its last two axes swapped when the flag is set (the fast floor reads it in
// place; the readable loop of gemm.hpp copies a transposed B once, to keep its axpy loop). The
// building block of matmul's and linear's forward and backward, and of fused ops that write
// their own backward (the fast floor's activated_linear). `shape`, when given, is the shape the
// result is made with (the same number of elements): a gradient made in its input's shape can
// become that input's grad as it is, where a reshaped view of it would be copied.
Tensor batched_product(const Tensor& a, const Tensor& b, bool trans_a, bool trans_b,
                       const Shape* shape = nullptr);
// What batched_product computes, worked out once for both floors: matrix i of the result (shape,
// made of (M, N) matrices) is op(a)'s matrix starting at element a_at[i] times op(b)'s at b_at[i].
struct ProductPlan {
  std::int64_t M = 0, N = 0, K = 0;
  Shape shape;
  std::vector<std::int64_t> a_at, b_at;
};
ProductPlan plan_product(const Tensor& a, const Tensor& b, bool trans_a, bool trans_b,
                         const Shape* shape);

// ---- shape ops (ops_shape.cpp) ---------------------------------------------------------------
// Same data, new shape (shares storage, copies nothing); one size may be -1 (inferred).
Tensor reshape(const Tensor& x, const Shape& shape);
// A copy of x repeated along broadcast axes to take `shape` (x's shape must broadcast to it);
// x itself when it already has that shape.
// Backward sums the gradient back: this is broadcasting made explicit.
Tensor expand(const Tensor& x, const Shape& shape);
// Swaps two axes; the result is a contiguous copy.
Tensor transpose(const Tensor& x, std::int64_t axis0, std::int64_t axis1);
// Reorders axes: out axis k is input axis dims[k]. Contiguous copy.
Tensor permute(const Tensor& x, const std::vector<std::int64_t>& dims);
// Elements [start, end) along one axis; negative start/end count from the end. A copy.
Tensor slice(const Tensor& x, std::int64_t axis, std::int64_t start, std::int64_t end);
// Pieces of the given sizes along an axis (sizes must add up to the axis size).
std::vector<Tensor> split(const Tensor& x, const std::vector<std::int64_t>& sizes,
                          std::int64_t axis);
// `chunks` pieces of size ceil(n / chunks) (the last may be smaller), as torch.chunk.
std::vector<Tensor> chunk(const Tensor& x, std::int64_t chunks, std::int64_t axis);
// Joins tensors along an existing axis; the other axes must agree.
Tensor concat(const std::vector<Tensor>& tensors, std::int64_t axis);
// Rows (or slices along `axis`) picked by index, repeats allowed: index_select(E, 0, ids) is an
// embedding lookup. Output axis `axis` has size ids.size(). Backward adds into the picked rows.
Tensor index_select(const Tensor& x, std::int64_t axis, const std::vector<std::int64_t>& index);
// x with source's slices added into the slices picked by index, as torch.index_add: along
// `axis`, out[index[j]] = x[index[j]] + source[j], repeats adding up. source has x's shape except
// that axis, of size index.size(). Backward: dx = g, dsource = index_select(g, axis, index).
Tensor index_add(const Tensor& x, std::int64_t axis, const std::vector<std::int64_t>& index,
                 const Tensor& source);
// out[i][j][k] = x[i][index[i][j][k]][k] for axis 1 (likewise for any axis), as torch.gather:
// `index_shape` is the output shape; it equals x's shape except along `axis`.
Tensor gather(const Tensor& x, std::int64_t axis, const std::vector<std::int64_t>& index,
              const Shape& index_shape);

// ---- attention (ops_attention.cpp) -----------------------------------------------------------
// The sizes of one attention call, for both floors: G independent problems (batch x heads),
// each q (T, d), k (S, d), v (S, e); heads > 1 when they sit side by side in the last axis (the
// _heads layout); out is the result's shape.
struct AttentionShape {
  std::int64_t G, T, S, d, e, heads;
  bool causal;
  Shape out;
};
// The same attention as recorded ops (matmul, a -inf mask above the diagonal, softmax, matmul),
// heads split and merged as the layers do: the composite form both floors' attention ops
// differentiate under create_graph (tape.hpp). q, k, v in the call's own layout.
Tensor attention_composite(const Tensor& q, const Tensor& k, const Tensor& v,
                           const AttentionShape& n);
// softmax(q k^T / sqrt(d)) v over the last two axes, as PyTorch's
// F.scaled_dot_product_attention: q (..., T, d), k (..., S, d), v (..., S, e) -> (..., T, e).
// causal: query i attends to keys 0..i only. One op that keeps nothing but its inputs (its
// backward computes the attention weights again).
Tensor scaled_dot_product_attention(const Tensor& q, const Tensor& k, const Tensor& v, bool causal);
// The same for `heads` heads side by side in the last axis, the layout projections produce:
// q (B, T, H·d), k (B, S, H·d), v (B, S, H·e) -> (B, T, H·e), head h in columns h·d .. h·d+d-1.
// Equals splitting the heads (reshape to (B, T, H, d), permute to (B, H, T, d)), calling
// scaled_dot_product_attention and merging them back, without the four copies.
Tensor scaled_dot_product_attention_heads(const Tensor& q, const Tensor& k, const Tensor& v,
                                          std::int64_t heads, bool causal);

// ---- normalisation (ops_norm.cpp) -----------------------------------------------------------
// RMSNorm over the last axis: x / sqrt(mean(x^2) + eps) * weight (Zhang & Sennrich 2019; Llama).
// x (..., d), weight (d,) -> (..., d). One op, its backward derived by hand.
Tensor rms_norm(const Tensor& x, const Tensor& weight, double eps);

// ---- softmax and losses (ops_softmax.cpp) ----------------------------------------------------
// softmax(x)_i = exp(x_i - m) / sum_j exp(x_j - m), m = max_j x_j (the shift avoids overflow).
Tensor softmax(const Tensor& x, std::int64_t axis = -1);
// log_softmax(x)_i = x_i - m - log sum_j exp(x_j - m).
Tensor log_softmax(const Tensor& x, std::int64_t axis = -1);
// Mean over rows n with target[n] != ignore_index of -log_softmax(logits)[n, target[n]].
// logits: (N, C); targets: N class indices in [0, C) or ignore_index. If every row is ignored
// the result is NaN (0/0), as in PyTorch.
Tensor cross_entropy(const Tensor& logits, const std::vector<std::int64_t>& targets,
                     std::int64_t ignore_index = -100);

}  // namespace tg
