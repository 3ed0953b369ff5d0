// core/ops_attention.cpp — scaled dot-product attention as one op, with its backward.
//
// Layer: core. For each of G independent matrices (batch and heads), q (T, d), k (S, d),
// v (S, e), with scale = 1/sqrt(d):
//   scores  S_ij = scale q_i . k_j                       (T, S)
//   causal: S_ij = -inf for j > i  (position i sees positions 0..i only)
//   P = softmax(S) along j;   out = P v                    (T, e)
// Backward, from dout:
//   dP = dout v^T;   dS_ij = P_ij (dP_ij - sum_k P_ik dP_ik)   (softmax's backward, per row)
//   dq = scale dS k;   dk = scale dS^T q;   dv = P^T dout
// A masked entry has P_ij = 0, so it passes no gradient.
//
// Memory: the composite form (matmul, mul, masked_fill, softmax, matmul: docs/attention.md)
// keeps four (T, S) tensors per matrix for its backward. This op keeps none: the backward
// computes P again from q and k (one more product, T·S·d multiply-adds, against the six the
// forward and backward do anyway), with the same code in the same order, so it is the very same
// P. Only the inputs stay alive, and whoever made them keeps those anyway.
//
// Two layouts, one kernel:
//   scaled_dot_product_attention: q (..., T, d), each matrix contiguous (PyTorch's layout);
//   scaled_dot_product_attention_heads: q (B, T, H·d), the layout a projection produces, head h
//   being columns h·d .. h·d+d-1. Splitting heads with permute would copy q, k, v and the output
//   (four tensors per layer, kept by the tape until backward); here each task copies its head's
//   rows into a small buffer that stays in cache, and writes its result back in place.
// Each matrix is an independent task, spread over threads; the products inside run on the
// packed matmul kernel.
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "core/error.hpp"
#include "core/gemm_packed.hpp"
#include "core/ops.hpp"
#include "core/parallel.hpp"
#include "core/tape.hpp"

namespace tg {

namespace {

// Where matrix g of a tensor lies. The tensor is (B, rows, heads·width) and g = b·heads + h;
// heads = 1 is the plain (G, rows, width) layout.
struct Layout {
  std::int64_t heads, rows, width;
  std::int64_t offset(std::int64_t g) const {
    return (g / heads) * rows * heads * width + (g % heads) * width;
  }
  std::int64_t stride() const { return heads * width; }  // between consecutive rows
};

// Matrix g's rows, contiguous: in place when they already are, else copied into `buffer`.
template <class T>
const T* rows_of(const T* base, const Layout& at, std::int64_t g, std::vector<T>& buffer) {
  const T* first = base + at.offset(g);
  if (at.heads == 1) return first;
  buffer.resize(static_cast<std::size_t>(at.rows * at.width));
  for (std::int64_t i = 0; i < at.rows; ++i)
    std::memcpy(buffer.data() + i * at.width, first + i * at.stride(), at.width * sizeof(T));
  return buffer.data();
}

// Matrix g of an output, made by product(C) writing a contiguous (rows, width) C: in place when
// matrix g is contiguous, else in `buffer`, whose rows are then copied to where they belong.
template <class T, class Product>
void write_rows(T* base, const Layout& at, std::int64_t g, std::vector<T>& buffer,
                Product product) {
  T* first = base + at.offset(g);
  if (at.heads == 1) return product(first);
  buffer.resize(static_cast<std::size_t>(at.rows * at.width));
  product(buffer.data());
  for (std::int64_t i = 0; i < at.rows; ++i)
    std::memcpy(first + i * at.stride(), buffer.data() + i * at.width, at.width * sizeof(T));
}

// P = softmax(scale q k^T), causal or not: (T, S), row-major, into P.
template <class T>
void attention_weights(const T* q, const T* k, T* P, std::int64_t T_, std::int64_t S,
                       std::int64_t d, T scale, bool causal) {
  kernels::gemm_packed(false, true, T_, S, d, q, k, P, false);  // q k^T
  for (std::int64_t i = 0; i < T_; ++i) {
    T* row = P + i * S;
    const std::int64_t seen = causal ? i + 1 : S;  // keys this query may attend to
    T m = -std::numeric_limits<T>::infinity();
    for (std::int64_t j = 0; j < seen; ++j) m = std::max(m, row[j] * scale);
    T total = 0;
    for (std::int64_t j = 0; j < seen; ++j) total += row[j] = std::exp(row[j] * scale - m);
    for (std::int64_t j = 0; j < seen; ++j) row[j] /= total;
    for (std::int64_t j = seen; j < S; ++j) row[j] = 0;  // masked: weight 0
  }
}

// A task's buffers, kept per thread and reused: the gathered rows of one head and the (T, S)
// weights. They grow to the largest attention seen and stay for the thread's life; being
// std::vectors, not tensors, they are not counted in memory_pool_stats(). (A task never runs
// inside another on the same thread: a nested parallel_for runs inline, one task after another.)
template <class T>
struct Scratch {
  std::vector<T> q, k, v, dout, out, dq, dk, dv, P, dS;
};
template <class T>
Scratch<T>& scratch() {
  thread_local Scratch<T> s;
  return s;
}

struct Dims {
  std::int64_t G, T, S, d, e, heads;
  bool causal;
  Layout q() const { return {heads, T, d}; }
  Layout k() const { return {heads, S, d}; }
  Layout v() const { return {heads, S, e}; }
  Layout out() const { return {heads, T, e}; }
};

Tensor attention(const char* op, const Tensor& q, const Tensor& k, const Tensor& v,
                 const Shape& out_shape, const Dims& n) {
  if (n.causal && n.S < n.T)
    fail(op, "causal attention needs at least as many keys as queries, got T=", n.T, " and S=",
         n.S);
  Tensor out = uninitialized(out_shape, q.dtype());  // every element is written
  const double scale = 1.0 / std::sqrt(static_cast<double>(n.d));
  dispatch(q.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T *pq = q.data<T>(), *pk = k.data<T>(), *pv = v.data<T>();
    T* po = out.data<T>();
    parallel_for_if_large(n.G, n.G * n.T * n.S * (n.d + n.e), [&](std::int64_t g) {
      Scratch<T>& s = scratch<T>();
      s.P.resize(static_cast<std::size_t>(n.T * n.S));
      attention_weights(rows_of(pq, n.q(), g, s.q), rows_of(pk, n.k(), g, s.k), s.P.data(), n.T,
                        n.S, n.d, static_cast<T>(scale), n.causal);
      const T* vg = rows_of(pv, n.v(), g, s.v);
      write_rows(po, n.out(), g, s.out, [&](T* o) {
        kernels::gemm_packed(false, false, n.T, n.e, n.S, s.P.data(), vg, o, false);  // P v
      });
    });
  });
  return record(op, {q, k, v}, out, [q, k, v, n, scale](const Tensor& dout) {
    Tensor dq = uninitialized(q.shape(), q.dtype()), dk = uninitialized(k.shape(), k.dtype()),
           dv = uninitialized(v.shape(), v.dtype());
    dispatch(q.dtype(), [&](auto zero) {
      using T = decltype(zero);
      const T *pq = q.data<T>(), *pk = k.data<T>(), *pv = v.data<T>(), *pg = dout.data<T>();
      T *pdq = dq.data<T>(), *pdk = dk.data<T>(), *pdv = dv.data<T>();
      parallel_for_if_large(n.G, n.G * n.T * n.S * (3 * n.d + 2 * n.e), [&](std::int64_t g) {
        Scratch<T>& s = scratch<T>();
        s.P.resize(static_cast<std::size_t>(n.T * n.S));
        s.dS.resize(static_cast<std::size_t>(n.T * n.S));
        T *P = s.P.data(), *dS = s.dS.data();  // dP first, then dS in place
        const T *qg = rows_of(pq, n.q(), g, s.q), *kg = rows_of(pk, n.k(), g, s.k),
                *vg = rows_of(pv, n.v(), g, s.v), *dO = rows_of(pg, n.out(), g, s.dout);
        attention_weights(qg, kg, P, n.T, n.S, n.d, static_cast<T>(scale), n.causal);
        write_rows(pdv, n.v(), g, s.dv, [&](T* dvg) {
          kernels::gemm_packed(true, false, n.S, n.e, n.T, P, dO, dvg, false);  // P^T dout
        });
        kernels::gemm_packed(false, true, n.T, n.S, n.e, dO, vg, dS, false);  // dout v^T
        for (std::int64_t i = 0; i < n.T; ++i) {
          T* row = dS + i * n.S;
          const T* p = P + i * n.S;
          T dot = 0;
          for (std::int64_t j = 0; j < n.S; ++j) dot += p[j] * row[j];
          for (std::int64_t j = 0; j < n.S; ++j)
            row[j] = p[j] * (row[j] - dot) * static_cast<T>(scale);
        }
        write_rows(pdq, n.q(), g, s.dq, [&](T* dqg) {
          kernels::gemm_packed(false, false, n.T, n.d, n.S, dS, kg, dqg, false);  // dS k
        });
        write_rows(pdk, n.k(), g, s.dk, [&](T* dkg) {
          kernels::gemm_packed(true, false, n.S, n.d, n.T, dS, qg, dkg, false);  // dS^T q
        });
      });
    });
    accumulate_grad(q, std::move(dq));
    accumulate_grad(k, std::move(dk));
    accumulate_grad(v, std::move(dv));
  });
}

void check_dtypes(const char* op, const Tensor& q, const Tensor& k, const Tensor& v) {
  if (q.dtype() != k.dtype() || q.dtype() != v.dtype())
    fail(op, "dtypes differ: ", dtype_name(q.dtype()), ", ", dtype_name(k.dtype()), ", ",
         dtype_name(v.dtype()));
}

}  // namespace

Tensor scaled_dot_product_attention(const Tensor& q, const Tensor& k, const Tensor& v,
                                    bool causal) {
  const char* op = "scaled_dot_product_attention";
  if (q.dim() < 2 || k.dim() != q.dim() || v.dim() != q.dim())
    fail(op, "needs q (..., T, d), k (..., S, d), v (..., S, e) with the same number of axes, got ",
         q.shape(), ", ", k.shape(), ", ", v.shape());
  check_dtypes(op, q, k, v);
  const Shape lead(q.shape().begin(), q.shape().end() - 2);
  const std::int64_t T = q.size(-2), d = q.size(-1), S = k.size(-2), e = v.size(-1);
  if (Shape(k.shape().begin(), k.shape().end() - 2) != lead ||
      Shape(v.shape().begin(), v.shape().end() - 2) != lead || k.size(-1) != d ||
      v.size(-2) != S)
    fail(op, "shapes do not fit: q ", q.shape(), ", k ", k.shape(), ", v ", v.shape(),
         " (need q (..., T, d), k (..., S, d), v (..., S, e))");
  Shape out_shape = lead;
  out_shape.push_back(T);
  out_shape.push_back(e);
  return attention(op, q, k, v, out_shape, Dims{numel(lead), T, S, d, e, 1, causal});
}

Tensor scaled_dot_product_attention_heads(const Tensor& q, const Tensor& k, const Tensor& v,
                                          std::int64_t heads, bool causal) {
  const char* op = "scaled_dot_product_attention_heads";
  if (q.dim() != 3 || k.dim() != 3 || v.dim() != 3)
    fail(op, "needs q (B, T, H*d), k (B, S, H*d), v (B, S, H*e), got ", q.shape(), ", ",
         k.shape(), ", ", v.shape());
  check_dtypes(op, q, k, v);
  if (heads <= 0) fail(op, "needs at least one head, got ", heads);
  const std::int64_t B = q.size(0), T = q.size(1), S = k.size(1);
  if (k.size(0) != B || v.size(0) != B || v.size(1) != S || k.size(2) != q.size(2) ||
      q.size(2) % heads != 0 || v.size(2) % heads != 0)
    fail(op, "shapes do not fit: q ", q.shape(), ", k ", k.shape(), ", v ", v.shape(), " with ",
         heads, " heads (need q (B, T, H*d), k (B, S, H*d), v (B, S, H*e))");
  const std::int64_t d = q.size(2) / heads, e = v.size(2) / heads;
  return attention(op, q, k, v, Shape{B, T, heads * e}, Dims{B * heads, T, S, d, e, heads, causal});
}

}  // namespace tg
