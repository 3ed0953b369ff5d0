// core/ops_shape.cpp — ops that move elements without computing new values: reshape, expand,
// transpose/permute, slice, split/chunk, concat, index_select, index_add, gather.
//
// Layer: core. Their backward moves the gradient back to where each element came from (and
// adds, where one element was used several times: expand, index_select, gather).
#include <numeric>
#include <vector>

#include "core/create_graph.hpp"
#include "core/error.hpp"
#include "core/kernels.hpp"
#include "core/ops.hpp"
#include "core/tape.hpp"

namespace tg {

namespace {

// Copies blocks between two tensors viewed as (outer, n, inner) around an axis: for every
// outer index a and j in [0, count), dst block (a, dst_start + j) = src block (a, src_start + j).
// A block is `inner` contiguous elements.
void copy_blocks(const Tensor& src, const kernels::AxisView& sv, std::int64_t src_start,
                 const Tensor& dst, const kernels::AxisView& dv, std::int64_t dst_start,
                 std::int64_t count) {
  dispatch(src.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* s = src.data<T>();
    T* d = dst.data<T>();
    for (std::int64_t a = 0; a < sv.outer; ++a)
      for (std::int64_t j = 0; j < count; ++j) {
        const T* from = s + (a * sv.n + src_start + j) * sv.inner;
        T* to = d + (a * dv.n + dst_start + j) * dv.inner;
        for (std::int64_t i = 0; i < sv.inner; ++i) to[i] = from[i];
      }
  });
}

void check_index(const char* op, std::int64_t value, std::int64_t size, std::size_t position,
                 const Shape& shape, int axis) {
  if (value < 0 || value >= size)
    fail(op, "index ", value, " at position ", position, " is out of range for axis ", axis,
         " of shape ", shape, " (valid: 0..", size - 1, ")");
}

}  // namespace

Tensor reshape(const Tensor& x, const Shape& shape) {
  Shape target = shape;
  std::int64_t known = 1, inferred = -1;
  for (std::size_t k = 0; k < target.size(); ++k) {
    if (target[k] == -1) {
      if (inferred >= 0) fail("reshape", "only one size may be -1, got ", shape);
      inferred = static_cast<std::int64_t>(k);
    } else if (target[k] < 0) {
      fail("reshape", "negative size in ", shape);
    } else if (__builtin_mul_overflow(known, target[k], &known)) {
      fail("reshape", "shape ", shape, " is too large");
    }
  }
  if (inferred >= 0 && known != 0 && x.numel() % known == 0) target[inferred] = x.numel() / known;
  if (numel(target) != x.numel() || (inferred >= 0 && target[inferred] < 0))
    fail("reshape", "cannot view shape ", x.shape(), " (", x.numel(), " elements) as ", shape);
  auto impl = new_impl();
  impl->shape = target;
  impl->numel = x.numel();
  impl->dtype = x.dtype();
  impl->storage = x.impl()->storage;  // the same elements in the same order: nothing to copy
  // Backward: g viewed in x's shape. g itself is let go first, so that the view can become x's
  // gradient without a copy when nothing else holds g (core/handover.hpp).
  return record("reshape", {x}, Tensor(std::move(impl)), [x](Tensor&& g) {
    Tensor view = g.reshape(x.shape());
    g = Tensor();
    accumulate_grad(x, std::move(view));
  });
}

Tensor expand(const Tensor& x, const Shape& shape) {
  if (shape.size() < x.shape().size() || broadcast_shapes("expand", x.shape(), shape) != shape)
    fail("expand", "shape ", x.shape(), " does not broadcast to ", shape);
  if (x.shape() == shape) return x;
  Tensor out = empty(shape, x.dtype(), "expand");  // every element is written
  dispatch(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* src = x.data<T>();
    T* dst = out.data<T>();
    kernels::for_each_broadcast(
        shape, broadcast_strides(x.shape(), shape), Shape(shape.size(), 0),
        [&](std::int64_t i, std::int64_t is, std::int64_t) { dst[i] = src[is]; });
  });
  // Each input element was copied to several places, so its gradient is their sum.
  return record("expand", {x}, out, [x](const Tensor& g) { accumulate_grad(x, g); });
}

Tensor permute(const Tensor& x, const std::vector<std::int64_t>& dims) {
  const auto nd = x.dim();
  if (static_cast<std::int64_t>(dims.size()) != nd)
    fail("permute", "got ", dims.size(), " axes for a tensor of shape ", x.shape());
  std::vector<std::int64_t> axes(dims.size()), inverse(dims.size(), -1);
  for (std::size_t k = 0; k < dims.size(); ++k) {
    axes[k] = normalize_axis("permute", dims[k], nd);
    if (inverse[axes[k]] >= 0) fail("permute", "axis ", dims[k], " appears twice");
    inverse[axes[k]] = static_cast<std::int64_t>(k);
  }
  // out[i0, i1, ...] = x[...] where out axis k walks input axis axes[k]: read x with its own
  // strides permuted the same way.
  const Shape in_strides = contiguous_strides(x.shape());
  Shape out_shape(nd), read_strides(nd);
  for (std::size_t k = 0; k < axes.size(); ++k) {
    out_shape[k] = x.shape()[axes[k]];
    read_strides[k] = in_strides[axes[k]];
  }
  Tensor out = zeros(out_shape, x.dtype());
  dispatch(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* src = x.data<T>();
    T* dst = out.data<T>();
    kernels::for_each_broadcast(
        out_shape, read_strides, Shape(nd, 0),
        [&](std::int64_t i, std::int64_t is, std::int64_t) { dst[i] = src[is]; });
  });
  return record("permute", {x}, out, [x, inverse](const Tensor& g) {
    accumulate_grad(x, permute(g, inverse));  // the inverse permutation puts every element back
  });
}

Tensor transpose(const Tensor& x, std::int64_t axis0, std::int64_t axis1) {
  std::vector<std::int64_t> dims(x.dim());
  std::iota(dims.begin(), dims.end(), 0);
  std::swap(dims[normalize_axis("transpose", axis0, x.dim())],
            dims[normalize_axis("transpose", axis1, x.dim())]);
  return permute(x, dims);
}

Tensor slice(const Tensor& x, std::int64_t axis, std::int64_t start, std::int64_t end) {
  const int ax = normalize_axis("slice", axis, x.dim());
  const std::int64_t n = x.shape()[ax];
  const std::int64_t from = start < 0 ? start + n : start, to = end < 0 ? end + n : end;
  if (from < 0 || to > n || from > to)
    fail("slice", "range [", start, ", ", end, ") is not inside axis ", ax, " of shape ",
         x.shape());
  Shape out_shape = x.shape();
  out_shape[ax] = to - from;
  Tensor out = zeros(out_shape, x.dtype());
  const kernels::AxisView xv = kernels::axis_view(x.shape(), ax);
  copy_blocks(x, xv, from, out, kernels::axis_view(out_shape, ax), 0, to - from);
  return record("slice", {x}, out, [x, ax, from, xv](const Tensor& g) {
    // The slice's gradient goes back into its place; the rest of x gets zero.
    if (is_creating_graph()) {  // the same, as recorded ops: zeros, g, zeros side by side
      Shape before = x.shape(), after = x.shape();
      before[ax] = from;
      after[ax] = x.shape()[ax] - from - g.shape()[ax];
      std::vector<Tensor> parts;
      if (before[ax] > 0) parts.push_back(zeros(before, x.dtype()));
      parts.push_back(g);
      if (after[ax] > 0) parts.push_back(zeros(after, x.dtype()));
      return accumulate_grad(x, parts.size() == 1 ? g : concat(parts, ax));
    }
    Tensor full_grad = zeros_like(x);
    copy_blocks(g, kernels::axis_view(g.shape(), ax), 0, full_grad, xv, from, g.shape()[ax]);
    accumulate_grad(x, std::move(full_grad));
  });
}

std::vector<Tensor> split(const Tensor& x, const std::vector<std::int64_t>& sizes,
                          std::int64_t axis) {
  const int ax = normalize_axis("split", axis, x.dim());
  std::int64_t total = 0;
  for (std::int64_t s : sizes) {
    if (s < 0) fail("split", "negative piece size ", s);
    total += s;
  }
  if (total != x.shape()[ax])
    fail("split", "piece sizes add up to ", total, " but axis ", ax, " of shape ", x.shape(),
         " has ", x.shape()[ax]);
  std::vector<Tensor> pieces;
  std::int64_t start = 0;
  for (std::int64_t s : sizes) {
    pieces.push_back(slice(x, ax, start, start + s));
    start += s;
  }
  return pieces;
}

std::vector<Tensor> chunk(const Tensor& x, std::int64_t chunks, std::int64_t axis) {
  const int ax = normalize_axis("chunk", axis, x.dim());
  if (chunks <= 0) fail("chunk", "needs chunks > 0, got ", chunks);
  const std::int64_t n = x.shape()[ax], size = n / chunks + (n % chunks != 0);  // ceil(n/chunks)
  std::vector<std::int64_t> sizes;
  for (std::int64_t start = 0; start < n; start += size) sizes.push_back(std::min(size, n - start));
  return split(x, sizes, ax);
}

Tensor concat(const std::vector<Tensor>& tensors, std::int64_t axis) {
  if (tensors.empty()) fail("concat", "needs at least one tensor");
  const Tensor& first = tensors[0];
  const int ax = normalize_axis("concat", axis, first.dim());
  Shape out_shape = first.shape();
  out_shape[ax] = 0;
  for (std::size_t t = 0; t < tensors.size(); ++t) {
    Shape s = tensors[t].shape();
    if (tensors[t].dtype() != first.dtype())
      fail("concat", "tensor ", t, " is ", dtype_name(tensors[t].dtype()), ", tensor 0 is ",
           dtype_name(first.dtype()));
    if (s.size() != first.shape().size())
      fail("concat", "tensor ", t, " has shape ", s, ", tensor 0 has shape ", first.shape());
    out_shape[ax] += s[ax];
    s[ax] = first.shape()[ax];
    if (s != first.shape())
      fail("concat", "tensor ", t, " has shape ", tensors[t].shape(), " but tensor 0 has shape ",
           first.shape(), ": only axis ", ax, " may differ");
  }
  Tensor out = zeros(out_shape, first.dtype());
  const kernels::AxisView ov = kernels::axis_view(out_shape, ax);
  std::int64_t offset = 0;
  for (const Tensor& t : tensors) {
    copy_blocks(t, kernels::axis_view(t.shape(), ax), 0, out, ov, offset, t.shape()[ax]);
    offset += t.shape()[ax];
  }
  return record("concat", tensors, out, [tensors, ax](const Tensor& g) {
    std::int64_t start = 0;
    for (const Tensor& t : tensors) {
      const std::int64_t n = t.shape()[ax];
      if (t.requires_grad()) accumulate_grad(t, slice(g, ax, start, start + n));
      start += n;
    }
  });
}

Tensor index_select(const Tensor& x, std::int64_t axis, const std::vector<std::int64_t>& index) {
  const int ax = normalize_axis("index_select", axis, x.dim());
  const std::int64_t n = x.shape()[ax];
  for (std::size_t j = 0; j < index.size(); ++j)
    check_index("index_select", index[j], n, j, x.shape(), ax);
  Shape out_shape = x.shape();
  out_shape[ax] = static_cast<std::int64_t>(index.size());
  Tensor out = zeros(out_shape, x.dtype());
  const kernels::AxisView xv = kernels::axis_view(x.shape(), ax),
                          ov = kernels::axis_view(out_shape, ax);
  for (std::size_t j = 0; j < index.size(); ++j)
    copy_blocks(x, xv, index[j], out, ov, static_cast<std::int64_t>(j), 1);
  return record("index_select", {x}, out, [x, ax, index, xv, ov](const Tensor& g) {
    // Under create_graph the same sums are an op with a backward of its own (index_select).
    if (is_creating_graph()) return accumulate_grad(x, index_add(zeros_like(x), ax, index, g));
    // A row picked twice (a token appearing twice) receives both gradients: +=. The sums run
    // in double (a token seen thousands of times in a batch; ops_reduce.cpp says why).
    std::vector<double> total(static_cast<std::size_t>(x.numel()), 0.0);
    dispatch(g.dtype(), [&](auto zero) {
      using T = decltype(zero);
      const T* pg = g.data<T>();
      for (std::int64_t a = 0; a < ov.outer; ++a)
        for (std::size_t j = 0; j < index.size(); ++j) {
          const T* from = pg + (a * ov.n + static_cast<std::int64_t>(j)) * ov.inner;
          double* to = total.data() + (a * xv.n + index[j]) * xv.inner;
          for (std::int64_t i = 0; i < ov.inner; ++i) to[i] += from[i];
        }
    });
    accumulate_grad(x, tensor(total, x.shape(), x.dtype()));
  });
}

Tensor index_add(const Tensor& x, std::int64_t axis, const std::vector<std::int64_t>& index,
                 const Tensor& source) {
  const int ax = normalize_axis("index_add", axis, x.dim());
  Shape expected = x.shape();
  expected[ax] = static_cast<std::int64_t>(index.size());
  if (source.shape() != expected || source.dtype() != x.dtype())
    fail("index_add", "source ", source.shape(), " (", dtype_name(source.dtype()),
         ") must be x's shape ", x.shape(), " with ", index.size(), " along axis ", ax, " (",
         dtype_name(x.dtype()), ")");
  const std::int64_t n = x.shape()[ax];
  for (std::size_t j = 0; j < index.size(); ++j)
    check_index("index_add", index[j], n, j, x.shape(), ax);
  const kernels::AxisView xv = kernels::axis_view(x.shape(), ax),
                          sv = kernels::axis_view(source.shape(), ax);
  // The sums run in double, so that many rows added into one lose nothing (ops_reduce.cpp).
  std::vector<double> total = x.to_vector();
  dispatch(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* ps = source.data<T>();
    for (std::int64_t a = 0; a < sv.outer; ++a)
      for (std::size_t j = 0; j < index.size(); ++j) {
        const T* from = ps + (a * sv.n + static_cast<std::int64_t>(j)) * sv.inner;
        double* to = total.data() + (a * xv.n + index[j]) * xv.inner;
        for (std::int64_t i = 0; i < sv.inner; ++i) to[i] += from[i];
      }
  });
  Tensor out = tensor(total, x.shape(), x.dtype());
  return record("index_add", {x, source}, out, [x, source, ax, index](const Tensor& g) {
    accumulate_grad(x, g);                                // out = x + (something without x)
    accumulate_grad(source, index_select(g, ax, index));  // each source slice went to one place
  });
}

Tensor gather(const Tensor& x, std::int64_t axis, const std::vector<std::int64_t>& index,
              const Shape& index_shape) {
  const int ax = normalize_axis("gather", axis, x.dim());
  if (numel(index_shape) != static_cast<std::int64_t>(index.size()))
    fail("gather", index.size(), " indices do not fill index shape ", index_shape);
  Shape expected = x.shape();
  expected[ax] = index_shape.size() == expected.size() ? index_shape[ax] : 0;
  if (index_shape != expected)
    fail("gather", "index shape ", index_shape, " must equal x's shape ", x.shape(),
         " except along axis ", ax);
  const kernels::AxisView xv = kernels::axis_view(x.shape(), ax),
                          iv = kernels::axis_view(index_shape, ax);
  // Flat offset in x of output element (a, j, i): x[a, index[a, j, i], i].
  std::vector<std::int64_t> offsets(index.size());
  for (std::int64_t a = 0; a < iv.outer; ++a)
    for (std::int64_t j = 0; j < iv.n; ++j)
      for (std::int64_t i = 0; i < iv.inner; ++i) {
        const std::size_t p = static_cast<std::size_t>((a * iv.n + j) * iv.inner + i);
        check_index("gather", index[p], xv.n, p, x.shape(), ax);
        offsets[p] = (a * xv.n + index[p]) * xv.inner + i;
      }
  Tensor out = zeros(index_shape, x.dtype());
  dispatch(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    for (std::size_t p = 0; p < offsets.size(); ++p) out.data<T>()[p] = x.data<T>()[offsets[p]];
  });
  // Its composite form (create_graph, tape.hpp): the same elements picked from x laid flat.
  auto composite = [offsets, index_shape](const std::vector<Tensor>& in) {
    return reshape(index_select(reshape(in[0], {in[0].numel()}), 0, offsets), index_shape);
  };
  return record_first_order("gather", {x}, out, [x, offsets](const Tensor& g) {
    // An element gathered many times gets the sum of its gradients, in double (as index_select).
    std::vector<double> total(static_cast<std::size_t>(x.numel()), 0.0);
    dispatch(g.dtype(), [&](auto zero) {
      using T = decltype(zero);
      for (std::size_t p = 0; p < offsets.size(); ++p)
        total[static_cast<std::size_t>(offsets[p])] += g.data<T>()[p];
    });
    accumulate_grad(x, tensor(total, x.shape(), x.dtype()));
  }, composite);
}

}  // namespace tg
