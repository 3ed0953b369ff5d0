// core/ops_reduce.cpp — sum, mean, max (over everything or one axis), argmax, sum_to_shape.
//
// Layer: core. An axis reduction views x as (outer, n, inner) around the axis (kernels.hpp) and
// produces (outer, inner) values, shaped (..., 1, ...) with keepdim or with the axis removed.
// The backward of a reduction broadcasts the gradient back over the reduced axis.
#include <algorithm>
#include <cmath>
#include <vector>

#include "core/create_graph.hpp"
#include "core/error.hpp"
#include "core/kernels.hpp"
#include "core/ops.hpp"
#include "core/tape.hpp"

namespace tg {

namespace {

// x's shape with `axis` set to 1 (keepdim) or removed.
Shape reduced_shape(const Shape& shape, int axis, bool keepdim) {
  Shape out = shape;
  if (keepdim)
    out[axis] = 1;
  else
    out.erase(out.begin() + axis);
  return out;
}

// The whole tensor as one axis: (1, numel, 1).
kernels::AxisView all_elements(const Tensor& x) {
  return {1, x.numel(), 1};
}

// out[o, i] = sum over k of x[o, k, i], shaped `shape`.
// The running sums are doubles even for float32 data: a float32 sum has 24 bits, so once it is
// large every small term loses its low bits (a million terms of 1/255 come to 3909 instead of
// 3921.6, and a sum of ones stalls at 2^24 = 16777216). In double the sum is exact to ~1e-16
// relative; it is rounded to the tensor's dtype once, at the end (PyTorch's float32 sums are
// accurate to a few ulps too, by summing in blocks).
Tensor sum_axis(const Tensor& x, const kernels::AxisView& v, const Shape& shape) {
  Tensor out = empty(shape, x.dtype());
  dispatch(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* p = x.data<T>();
    T* o = out.data<T>();
    if (v.inner == 1) {  // each sum runs along memory (the last axis, or everything): one
      for (std::int64_t a = 0; a < v.outer; ++a)  // running sum, kept in a register
        o[a] = static_cast<T>(kernels::sum_row(p + a * v.n, v.n));
      return;
    }
    std::vector<double> total(static_cast<std::size_t>(v.inner));  // one sum per inner position
    for (std::int64_t a = 0; a < v.outer; ++a) {
      std::fill(total.begin(), total.end(), 0.0);
      for (std::int64_t k = 0; k < v.n; ++k)  // k outside i: x is read in memory order
        for (std::int64_t i = 0; i < v.inner; ++i)
          total[static_cast<std::size_t>(i)] += p[(a * v.n + k) * v.inner + i];
      for (std::int64_t i = 0; i < v.inner; ++i)
        o[a * v.inner + i] = static_cast<T>(total[static_cast<std::size_t>(i)]);
    }
  });
  return out;
}

// For each (outer, inner) position, the flat offset in x of the first maximum along the axis.
std::vector<std::int64_t> argmax_offsets(const Tensor& x, const kernels::AxisView& v) {
  if (v.n == 0) fail("max", "cannot reduce over an empty axis (shape ", x.shape(), ")");
  std::vector<std::int64_t> offsets(static_cast<std::size_t>(v.outer * v.inner));
  dispatch(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* p = x.data<T>();
    for (std::int64_t a = 0; a < v.outer; ++a)
      for (std::int64_t i = 0; i < v.inner; ++i) {
        std::int64_t best = a * v.n * v.inner + i;
        for (std::int64_t k = 1; k < v.n; ++k) {
          const std::int64_t at = (a * v.n + k) * v.inner + i;
          // NaN wins, so a NaN anywhere shows up in the max rather than being skipped.
          if (p[at] > p[best] || (std::isnan(p[at]) && !std::isnan(p[best]))) best = at;
        }
        offsets[static_cast<std::size_t>(a * v.inner + i)] = best;
      }
  });
  return offsets;
}

// out[j] = x[offsets[j]], shaped `shape`.
Tensor take(const Tensor& x, const std::vector<std::int64_t>& offsets, const Shape& shape) {
  Tensor out = zeros(shape, x.dtype());
  dispatch(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    for (std::size_t j = 0; j < offsets.size(); ++j) out.data<T>()[j] = x.data<T>()[offsets[j]];
  });
  return out;
}

// The backward of take: a zero tensor of `shape` with g[j] added at offsets[j].
Tensor put(const Tensor& g, const std::vector<std::int64_t>& offsets, const Shape& shape) {
  Tensor out = zeros(shape, g.dtype());
  dispatch(g.dtype(), [&](auto zero) {
    using T = decltype(zero);
    for (std::size_t j = 0; j < offsets.size(); ++j) out.data<T>()[offsets[j]] += g.data<T>()[j];
  });
  return out;
}

}  // namespace

Tensor sum(const Tensor& x) {
  Tensor out = sum_axis(x, all_elements(x), {});
  return record("sum", {x}, out, [x](const Tensor& g) {
    accumulate_grad(x, expand(g, x.shape()));  // d(sum)/dx_i = 1 for every i
  });
}

Tensor sum(const Tensor& x, std::int64_t axis, bool keepdim) {
  const int ax = normalize_axis("sum", axis, x.dim());
  Tensor out =
      sum_axis(x, kernels::axis_view(x.shape(), ax), reduced_shape(x.shape(), ax, keepdim));
  return record("sum", {x}, out, [x, ax](const Tensor& g) {
    accumulate_grad(x, expand(g.reshape(reduced_shape(x.shape(), ax, true)), x.shape()));
  });
}

Tensor mean(const Tensor& x) {
  if (x.numel() == 0) fail("mean", "of an empty tensor (shape ", x.shape(), ")");
  return sum(x) / static_cast<double>(x.numel());
}

Tensor mean(const Tensor& x, std::int64_t axis, bool keepdim) {
  const int ax = normalize_axis("mean", axis, x.dim());
  if (x.shape()[ax] == 0) fail("mean", "over an empty axis (shape ", x.shape(), ")");
  return sum(x, ax, keepdim) / static_cast<double>(x.shape()[ax]);
}

Tensor max(const Tensor& x) {
  if (x.numel() == 0) fail("max", "of an empty tensor (shape ", x.shape(), ")");
  const std::vector<std::int64_t> at = argmax_offsets(x, all_elements(x));
  Tensor out = take(x, at, {});
  return record_first_order(
      "max", {x}, out,
      [x, at](const Tensor& g) {
        accumulate_grad(x, put(g, at, x.shape()));  // all of the gradient goes to the maximum
      },
      [at, shape = out.shape()](const std::vector<Tensor>& in) {  // (create_graph: tape.hpp)
        return reshape(index_select(reshape(in[0], {in[0].numel()}), 0, at), shape);
      });
}

Tensor max(const Tensor& x, std::int64_t axis, bool keepdim) {
  const int ax = normalize_axis("max", axis, x.dim());
  const std::vector<std::int64_t> at = argmax_offsets(x, kernels::axis_view(x.shape(), ax));
  Tensor out = take(x, at, reduced_shape(x.shape(), ax, keepdim));
  return record_first_order(
      "max", {x}, out, [x, at](const Tensor& g) { accumulate_grad(x, put(g, at, x.shape())); },
      [at, shape = out.shape()](const std::vector<Tensor>& in) {  // the picked elements
        return reshape(index_select(reshape(in[0], {in[0].numel()}), 0, at), shape);
      });
}

std::vector<std::int64_t> argmax(const Tensor& x, std::int64_t axis) {
  const int ax = normalize_axis("argmax", axis, x.dim());
  const kernels::AxisView v = kernels::axis_view(x.shape(), ax);
  std::vector<std::int64_t> index = argmax_offsets(x, v);
  // A flat offset (a*n + k)*inner + i holds the position k along the axis.
  for (std::int64_t& at : index) at = (at / v.inner) % v.n;
  return index;
}

Tensor sum_to_shape(const Tensor& grad, const Shape& shape) {
  if (grad.shape() == shape) return grad;
  // `shape` must broadcast to grad's shape: aligned at the last axis, each size equal or 1.
  const Shape& gs = grad.shape();
  bool broadcasts = shape.size() <= gs.size();
  for (std::size_t k = 0; broadcasts && k < shape.size(); ++k) {
    const std::int64_t s = shape[shape.size() - 1 - k];
    broadcasts = s == 1 || s == gs[gs.size() - 1 - k];
  }
  if (!broadcasts)
    fail("sum_to_shape", "cannot sum a gradient of shape ", gs, " down to shape ", shape);
  // course ex02 begin: sum a broadcast gradient down to `shape`
  Tensor out = zeros(shape, grad.dtype());
  dispatch(grad.dtype(), [&](auto zero) {
    using T = decltype(zero);
    kernels::sum_to(grad.data<T>(), grad.shape(), out.data<T>(), shape);
  });
  return out;
  // course ex02 end
}

}  // namespace tg
