// core/fast/attention.cpp — scaled dot-product attention as one fused op, in strips.
//
// Fast floor. Reference twin: the attention op of core/ops_attention.cpp (plain loops over the
// same formulas). Tests: "the fast attention equals the readable op on awkward sizes, both
// layouts" (tests/core/test_floors.cpp), and every attention test run on both floors. For each of G
// independent matrices (batch and heads), q (T, d), k (S, d), v (S, e), with scale = 1/sqrt(d):
//   scores  S_ij = scale q_i . k_j                       (T, S)
//   causal: S_ij = -inf for j > i  (position i sees positions 0..i only)
//   P = softmax(S) along j;   out = P v                    (T, e)
// Backward, from the output's gradient g:
//   dP = g v^T;   dS_ij = P_ij (dP_ij - sum_k P_ik dP_ik)   (softmax's backward, per row)
//   dq = scale dS k;   dk = scale dS^T q;   dv = P^T g
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
//   (four tensors per layer, kept by the tape until backward); here the products read and write
//   each head where it lies: its rows are H·d numbers apart (the leading dimension, ld).
// Each matrix is an independent task, spread over threads; the products inside run on the
// packed matmul kernel.
//
// Causal attention skips what the mask hides. The queries go in strips of kStrip rows; strip
// [i0, i1) sees keys 0 .. i1-1 only, so its scores stop at column i1 and its sums over keys
// (P v, dS k) stop at k = i1. The transposed sums (dv = P^T g, dk = dS^T q: row j of dv sums
// over the queries i >= j that see key j) start at query j0 for the strip of keys [j0, j1), split
// where the whole sum's slices would split (kernels::gemm_packed_from), so as to round the same.
// Only each strip's 32 x 32 block on the diagonal is computed whole, masked half included: for
// T = S = 128 (four strips) this skips 3/8 of the products' work, for T = 64 a quarter, for
// T = 32 nothing. What is skipped is only ever zeros (P_ij = dS_ij = 0 where masked), so the
// results are those of the full products, to the last bit but for the sign of a zero.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/create_graph.hpp"
#include "core/error.hpp"
#include "core/fast/gemm_packed.hpp"
#include "core/fast/parallel.hpp"
#include "core/fast/switch.hpp"
#include "core/ops.hpp"
#include "core/tape.hpp"

namespace tg {

namespace {

// One matrix of a tensor: where it starts and how far apart its rows are. The tensor is
// (B, rows, heads·width) and matrix m = b·heads + h is columns h·width .. of batch b; heads = 1
// is the plain (G, rows, width) layout, each matrix contiguous.
template <class T>
struct Matrix {
  T* first;
  std::int64_t ld;  // between consecutive rows
  T* row(std::int64_t i) const { return first + i * ld; }
};
struct Layout {
  std::int64_t heads, rows, width;
  template <class T>
  Matrix<T> at(T* base, std::int64_t m) const {
    return {base + (m / heads) * rows * heads * width + (m % heads) * width, heads * width};
  }
};

struct Dims {
  std::int64_t G, T, S, d, e, heads;
  bool causal;
  Layout q() const { return {heads, T, d}; }
  Layout k() const { return {heads, S, d}; }
  Layout v() const { return {heads, S, e}; }
  Layout out() const { return {heads, T, e}; }
};

// 32 keys are a whole tile of the matmul kernel's columns for floats (AVX-512; two with AVX2),
// so the keys a strip sees fill whole tiles and its products read k^T and v in place.
constexpr std::int64_t kStrip = 32;

// fn(i0, rows, keys) for each strip of queries [i0, i0 + rows): its last row sees `keys` keys.
template <class Fn>
void for_each_query_strip(const Dims& n, Fn fn) {
  const std::int64_t strip = n.causal ? kStrip : std::max<std::int64_t>(n.T, 1);
  for (std::int64_t i0 = 0; i0 < n.T; i0 += strip) {
    const std::int64_t rows = std::min(strip, n.T - i0);
    fn(i0, rows, n.causal ? i0 + rows : n.S);
  }
}

// fn(j0, rows, first) for each strip of keys [j0, j0 + rows): no query before `first` sees them.
template <class Fn>
void for_each_key_strip(const Dims& n, Fn fn) {
  const std::int64_t strip = n.causal ? kStrip : std::max<std::int64_t>(n.S, 1);
  for (std::int64_t j0 = 0; j0 < n.S; j0 += strip)
    fn(j0, std::min(strip, n.S - j0), n.causal ? std::min(j0, n.T) : 0);
}

// A task's buffers, kept per thread and reused: the (T, S) weights and their gradient, and k and
// v transposed. They grow to the largest attention seen and stay for the thread's life; being
// std::vectors, not tensors, they are not counted in memory_pool_stats(). (A task never runs
// inside another on the same thread: a nested parallel_for runs inline, one task after another.)
template <class T>
struct Scratch {
  std::vector<T> P, dS, kT, vT;
};
template <class T>
Scratch<T>& scratch() {
  thread_local Scratch<T> s;
  return s;
}

// m (rows, cols) transposed: (cols, rows), contiguous, in `out`. The products with k^T and v^T
// then read B row by row, where it lies; given k itself, the kernel would copy and transpose it
// again for every strip of queries.
// It goes in 16 x 16 blocks: a block's 16 rows and 16 columns each stay in a cache line or two,
// where a row at a time would write to a different line for every number.
template <class T>
const T* transposed(Matrix<const T> m, std::int64_t rows, std::int64_t cols, std::vector<T>& out) {
  out.resize(static_cast<std::size_t>(rows * cols));
  T* t = out.data();
  constexpr std::int64_t kBlock = 16;
  for (std::int64_t i0 = 0; i0 < rows; i0 += kBlock)
    for (std::int64_t c0 = 0; c0 < cols; c0 += kBlock) {
      const std::int64_t i1 = std::min(rows, i0 + kBlock), c1 = std::min(cols, c0 + kBlock);
      for (std::int64_t c = c0; c < c1; ++c)
        for (std::int64_t i = i0; i < i1; ++i) t[c * rows + i] = m.row(i)[c];
    }
  return t;
}

// max_j scale * row[j] over the first n, in 16 running maxima (one AVX-512 register of floats):
// a maximum does not depend on the order it is taken in, so this is the same number as one
// running maximum (but for a zero's sign, which exp(x - m) does not see).
template <class T>
T row_max(const T* row, std::int64_t n, T scale) {
  constexpr int kLanes = 16;
  T lanes[kLanes];
  std::fill(lanes, lanes + kLanes, -std::numeric_limits<T>::infinity());
  std::int64_t j = 0;
  for (; j + kLanes <= n; j += kLanes)
    for (int l = 0; l < kLanes; ++l) lanes[l] = std::max(lanes[l], row[j + l] * scale);
  T m = -std::numeric_limits<T>::infinity();
  for (; j < n; ++j) m = std::max(m, row[j] * scale);
  for (T x : lanes) m = std::max(m, x);
  return m;
}

// P = softmax(scale q k^T), causal or not: (T, S), row-major, into P. Masked weights are 0.
template <class T>
void attention_weights(Matrix<const T> q, Matrix<const T> k, T* P, Scratch<T>& s, const Dims& n,
                       T scale) {
  const std::int64_t T_ = n.T, S = n.S;
  const bool causal = n.causal;
  const T* kT = transposed(k, S, n.d, s.kT);  // (d, S)
  for_each_query_strip(n, [&](std::int64_t i0, std::int64_t rows, std::int64_t keys) {
    kernels::gemm_packed(false, false, rows, keys, n.d, q.row(i0), q.ld, kT, S, P + i0 * S, S,
                         false);  // q k^T
  });
  for (std::int64_t i = 0; i < T_; ++i) {
    T* row = P + i * S;
    const std::int64_t seen = causal ? i + 1 : S;  // keys this query may attend to
    const T m = row_max(row, seen, scale);
    for (std::int64_t j = 0; j < seen; ++j) row[j] = std::exp(row[j] * scale - m);
    // Summed in a loop of its own, in order, so that the sum stays in a register (around a
    // call to exp it would be stored and loaded again every time); in double, as every sum.
    double total = 0;
    for (std::int64_t j = 0; j < seen; ++j) total += row[j];
    const T inv_total = static_cast<T>(1.0 / total);
    for (std::int64_t j = 0; j < seen; ++j) row[j] *= inv_total;
    for (std::int64_t j = seen; j < S; ++j) row[j] = 0;  // masked: weight 0
  }
}

Tensor attention(const char* op, const Tensor& q, const Tensor& k, const Tensor& v,
                 const Shape& out_shape, const Dims& n) {
  // (The shapes, the causal S >= T included, were checked by the readable entry point.)
  Tensor out = empty(out_shape, q.dtype());  // every element is written
  const double scale = 1.0 / std::sqrt(static_cast<double>(n.d));
  dispatch(q.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T *pq = q.data<T>(), *pk = k.data<T>(), *pv = v.data<T>();
    T* po = out.data<T>();
    parallel_for_if_large(n.G, n.G * n.T * n.S * (n.d + n.e), [&](std::int64_t m) {
      Scratch<T>& s = scratch<T>();
      s.P.resize(static_cast<std::size_t>(n.T * n.S));
      T* P = s.P.data();
      attention_weights(n.q().at(pq, m), n.k().at(pk, m), P, s, n, static_cast<T>(scale));
      const Matrix<const T> vg = n.v().at(pv, m);
      const Matrix<T> og = n.out().at(po, m);
      for_each_query_strip(n, [&](std::int64_t i0, std::int64_t rows, std::int64_t keys) {
        kernels::gemm_packed(false, false, rows, n.e, keys, P + i0 * n.S, n.S, vg.first, vg.ld,
                             og.row(i0), og.ld, false);  // P v
      });
    });
  });
  // Under create_graph: the readable floor's composite form (docs/performance.md).
  auto composite = [a = AttentionShape{n.G, n.T, n.S, n.d, n.e, n.heads, n.causal, out_shape}](
                       const std::vector<Tensor>& in) {
    return attention_composite(in[0], in[1], in[2], a);
  };
  return record_first_order(op, {q, k, v}, out, [q, k, v, n, scale](const Tensor& g) {
    Tensor dq = empty(q.shape(), q.dtype()), dk = empty(k.shape(), k.dtype()),
           dv = empty(v.shape(), v.dtype());
    dispatch(q.dtype(), [&](auto zero) {
      using T = decltype(zero);
      const T *pq = q.data<T>(), *pk = k.data<T>(), *pv = v.data<T>(), *pg = g.data<T>();
      T *pdq = dq.data<T>(), *pdk = dk.data<T>(), *pdv = dv.data<T>();
      parallel_for_if_large(n.G, n.G * n.T * n.S * (3 * n.d + 2 * n.e), [&](std::int64_t m) {
        Scratch<T>& s = scratch<T>();
        s.P.resize(static_cast<std::size_t>(n.T * n.S));
        s.dS.resize(static_cast<std::size_t>(n.T * n.S));
        T *P = s.P.data(), *dS = s.dS.data();  // dP first, then dS in place
        const std::int64_t S = n.S;
        const Matrix<const T> qg = n.q().at(pq, m), kg = n.k().at(pk, m), vg = n.v().at(pv, m),
                              gO = n.out().at(pg, m);
        const Matrix<T> dqg = n.q().at(pdq, m), dkg = n.k().at(pdk, m), dvg = n.v().at(pdv, m);
        attention_weights(qg, kg, P, s, n, static_cast<T>(scale));
        for_each_key_strip(n, [&](std::int64_t j0, std::int64_t rows, std::int64_t first) {
          kernels::gemm_packed_from(first, true, false, rows, n.e, n.T, P + j0, S, gO.first, gO.ld,
                                    dvg.row(j0), dvg.ld);  // P^T g
        });
        const T* vT = transposed(vg, S, n.e, s.vT);  // (e, S)
        for_each_query_strip(n, [&](std::int64_t i0, std::int64_t rows, std::int64_t keys) {
          kernels::gemm_packed(false, false, rows, keys, n.e, gO.row(i0), gO.ld, vT, S, dS + i0 * S,
                               S, false);                // g v^T
          for (std::int64_t i = i0; i < i0 + rows; ++i)  // the skipped, masked part: 0
            std::fill(dS + i * S + keys, dS + i * S + S, T(0));
        });
        // Over whole rows, masked entries included (P_ij = 0 there, so dS_ij = 0): the loops
        // keep one shape whatever the mask, and with it the compiler's choice of where to fuse
        // a multiply-add, so the numbers do not depend on the strips.
        for (std::int64_t i = 0; i < n.T; ++i) {
          T* row = dS + i * S;
          const T* p = P + i * S;
          double sum = 0;  // sum_j P_ij dP_ij, in double
          for (std::int64_t j = 0; j < S; ++j) sum += static_cast<double>(p[j] * row[j]);
          const T dot = static_cast<T>(sum);
          for (std::int64_t j = 0; j < S; ++j)
            row[j] = p[j] * (row[j] - dot) * static_cast<T>(scale);
        }
        for_each_query_strip(n, [&](std::int64_t i0, std::int64_t rows, std::int64_t keys) {
          kernels::gemm_packed(false, false, rows, n.d, keys, dS + i0 * S, S, kg.first, kg.ld,
                               dqg.row(i0), dqg.ld, false);  // dS k
        });
        for_each_key_strip(n, [&](std::int64_t j0, std::int64_t rows, std::int64_t first) {
          kernels::gemm_packed_from(first, true, false, rows, n.d, n.T, dS + j0, S, qg.first, qg.ld,
                                    dkg.row(j0), dkg.ld);  // dS^T q
        });
      });
    });
    accumulate_grad(q, std::move(dq));
    accumulate_grad(k, std::move(dk));
    accumulate_grad(v, std::move(dv));
  }, composite);
}

}  // namespace

namespace fast {

Tensor attention(const char* op, const Tensor& q, const Tensor& k, const Tensor& v,
                 const AttentionShape& shape) {
  const AttentionShape& a = shape;
  return tg::attention(op, q, k, v, a.out, Dims{a.G, a.T, a.S, a.d, a.e, a.heads, a.causal});
}

}  // namespace fast

}  // namespace tg
