// core/kernels.hpp — the loops that elementwise, broadcasting and axis ops run on.
//
// Layer: core. Plain templates over the element type T (float or double), no autograd: ops.cpp
// files call these for their forward and backward passes. They favour clarity with one cheap
// speed-up each (a flat loop when no broadcasting is needed).
#pragma once

#include <cstdint>
#include <vector>

#include "core/shape.hpp"

namespace tg::kernels {

// Visits every element of a tensor of shape `shape` in row-major order and calls
// body(i, ia, ib): i is the element's flat index, ia and ib its offsets in two operands whose
// strides (in elements, 0 for a broadcast axis) are `sa` and `sb`. The last axis is a plain
// inner loop; the outer axes advance like an odometer, so no division is needed per element.
template <class Body>
void for_each_broadcast(const Shape& shape, const Shape& sa, const Shape& sb, Body&& body) {
  const std::int64_t n = numel(shape);
  if (n == 0) return;
  const int nd = static_cast<int>(shape.size());
  if (nd == 0) {
    body(std::int64_t{0}, std::int64_t{0}, std::int64_t{0});
    return;
  }
  const std::int64_t inner = shape[nd - 1], step_a = sa[nd - 1], step_b = sb[nd - 1];
  std::vector<std::int64_t> index(nd, 0);
  std::int64_t offset_a = 0, offset_b = 0;
  for (std::int64_t base = 0; base < n; base += inner) {
    for (std::int64_t j = 0; j < inner; ++j)
      body(base + j, offset_a + j * step_a, offset_b + j * step_b);
    for (int k = nd - 2; k >= 0; --k) {  // carry into the next outer axis
      ++index[k];
      offset_a += sa[k];
      offset_b += sb[k];
      if (index[k] < shape[k]) break;
      offset_a -= sa[k] * shape[k];
      offset_b -= sb[k] * shape[k];
      index[k] = 0;
    }
  }
}

// out = f(x) elementwise.
template <class T, class F>
void map(const T* x, T* out, std::int64_t n, F f) {
  for (std::int64_t i = 0; i < n; ++i) out[i] = f(x[i]);
}

// True when a tensor of shape bs, broadcast to os, holds one number per row of os: bs is os
// with its last axis 1 (softmax's and RMSNorm's sums over the last axis, kept as (..., 1)).
inline bool is_row_constant(const Shape& bs, const Shape& os) {
  if (bs.size() != os.size() || os.empty() || bs.back() != 1 || os.back() == 0) return false;
  for (std::size_t k = 0; k + 1 < os.size(); ++k)
    if (bs[k] != os[k]) return false;
  return true;
}

// out = f(a, b) elementwise, a (shape as) and b (shape bs) broadcast to out's shape os.
template <class T, class F>
void map_broadcast(const T* a, const Shape& as, const T* b, const Shape& bs, T* out,
                   const Shape& os, F f) {
  const std::int64_t n = numel(os);
  if (as == os && bs == os) {
    for (std::int64_t i = 0; i < n; ++i) out[i] = f(a[i], b[i]);
  } else if (as == os && numel(bs) == 1) {
    const T y = b[0];
    for (std::int64_t i = 0; i < n; ++i) out[i] = f(a[i], y);
  } else if (as == os && is_row_constant(bs, os)) {  // b: one number per row (a sum, keepdim)
    const std::int64_t width = os.back();
    for (std::int64_t r = 0; r < n / width; ++r)
      for (std::int64_t j = 0; j < width; ++j) out[r * width + j] = f(a[r * width + j], b[r]);
  } else {
    for_each_broadcast(
        os, broadcast_strides(as, os), broadcast_strides(bs, os),
        [&](std::int64_t i, std::int64_t ia, std::int64_t ib) { out[i] = f(a[ia], b[ib]); });
  }
}

// x[0] + ... + x[n-1], added in that order in one double kept in a register, for the sums that
// run along memory: sum_axis over the last axis (ops_reduce.cpp, where the double is explained)
// and sum_to down to (..., 1).
template <class T>
double sum_row(const T* x, std::int64_t n) {
  double total = 0;
  for (std::int64_t k = 0; k < n; ++k) total += x[k];
  return total;
}

// out (shape os) += g (shape gs) summed over the axes along which os was broadcast to gs. This
// is the backward of broadcasting. The sums run in double and are rounded to T once at the end,
// so a bias broadcast over a million rows gets its gradient without float32 drift (see sum_axis
// in ops_reduce.cpp for the numbers).
template <class T>
void sum_to(const T* g, const Shape& gs, T* out, const Shape& os) {
  if (is_row_constant(os, gs)) {  // the sum of each row, along memory
    const std::int64_t width = gs.back(), rows = numel(gs) / width;
    for (std::int64_t r = 0; r < rows; ++r) out[r] += static_cast<T>(sum_row(g + r * width, width));
    return;
  }
  std::vector<double> total(static_cast<std::size_t>(numel(os)), 0.0);
  const Shape none(gs.size(), 0);
  for_each_broadcast(gs, broadcast_strides(os, gs), none,
                     [&](std::int64_t i, std::int64_t io, std::int64_t) {
                       total[static_cast<std::size_t>(io)] += g[i];
                     });
  for (std::size_t j = 0; j < total.size(); ++j) out[j] += static_cast<T>(total[j]);
}

// Splits a shape around one axis: (outer, n, inner), so element [o, k, i] of the reshaped
// (outer, n, inner) tensor is at o*n*inner + k*inner + i. Axis ops loop over these three.
struct AxisView {
  std::int64_t outer, n, inner;
};
inline AxisView axis_view(const Shape& shape, int axis) {
  AxisView v{1, shape[axis], 1};
  for (int k = 0; k < axis; ++k) v.outer *= shape[k];
  for (int k = axis + 1; k < static_cast<int>(shape.size()); ++k) v.inner *= shape[k];
  return v;
}

}  // namespace tg::kernels
