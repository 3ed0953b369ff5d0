// core/ops_attention.cpp — scaled dot-product attention as one op: its formulas as loops, then
// the backward derived by hand.
//
// Layer: core. For each of G independent problems (batch x heads), q (T, d), k (S, d), v (S, e),
// scale = 1/sqrt(d):
//   scores   s_ij = scale q_i . k_j                            (T, S)
//   causal:  s_ij = -inf for j > i                             (query i sees keys 0..i)
//   weights  P_ij = exp(s_ij - max_i) / sum_j' exp(s_ij' - max_i),  max_i = max_j s_ij
//   output   out_i = sum_j P_ij v_j                             (T, e)
// Backward, from the output's gradient g (T, e), the chain rule through each line, last first:
//   dv_j  = sum_i P_ij g_i                         (out is linear in v)
//   dP_ij = g_i . v_j
//   ds_ij = P_ij (dP_ij - sum_j' P_ij' dP_ij')     (softmax's backward, row by row)
//   dq_i  = scale sum_j ds_ij k_j;    dk_j = scale sum_i ds_ij q_i
// A masked entry has P_ij = 0, so it passes no gradient. The op keeps only q, k and v; backward
// computes P again with the same code, so it is the very same P. Sums run in double.
// (docs/attention.md derives each line; the region marked ex12 is a piece of docs/course.md.)
//
// Two layouts: scaled_dot_product_attention takes q (..., T, d), each problem contiguous; the
// _heads form takes q (B, T, H·d) as a projection makes it, head h in columns h·d .. h·d+d-1.
// One accessor, Layout::at, reads both, so the loops do not care. With the fast floor on
// (core/fast/switch.hpp) the same formulas run in core/fast/attention.cpp's fused kernel.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/create_graph.hpp"
#include "core/error.hpp"
#include "core/fast/switch.hpp"
#include "core/ops.hpp"
#include "core/tape.hpp"

namespace tg {

namespace {

// Element (r, c) of problem m in a tensor laid out (B, rows, heads * width): problem m is batch
// m / heads, head m % heads; its rows are heads * width numbers apart.
struct Layout {
  std::int64_t heads, rows, width;
  std::int64_t at(std::int64_t m, std::int64_t r, std::int64_t c) const {
    return ((m / heads) * rows + r) * heads * width + (m % heads) * width + c;
  }
};

// P (T, S), row-major, for problem m: the attention weights. Masked weights stay 0.
template <class T>
std::vector<double> attention_weights(const T* q, const T* k, const AttentionShape& n,
                                      std::int64_t m) {
  const Layout lq{n.heads, n.T, n.d}, lk{n.heads, n.S, n.d};
  const double scale = 1.0 / std::sqrt(static_cast<double>(n.d));
  std::vector<double> P(static_cast<std::size_t>(n.T * n.S), 0.0);
  for (std::int64_t i = 0; i < n.T; ++i) {
    double* p = P.data() + i * n.S;                    // row i
    const std::int64_t seen = n.causal ? i + 1 : n.S;  // the keys query i may attend to
    double row_max = -std::numeric_limits<double>::infinity();
    for (std::int64_t j = 0; j < seen; ++j) {
      double s = 0;  // q_i . k_j
      for (std::int64_t c = 0; c < n.d; ++c)
        s += static_cast<double>(q[lq.at(m, i, c)]) * k[lk.at(m, j, c)];
      p[j] = scale * s;
      row_max = std::max(row_max, p[j]);
    }
    double total = 0;  // softmax, shifted by the row's maximum so that no exp overflows
    for (std::int64_t j = 0; j < seen; ++j) {
      p[j] = std::exp(p[j] - row_max);
      total += p[j];
    }
    for (std::int64_t j = 0; j < seen; ++j) p[j] /= total;
  }
  return P;
}

// The op, on the readable floor: one problem after another.
Tensor attention(const char* op, const Tensor& q, const Tensor& k, const Tensor& v,
                 const AttentionShape& n) {
  if (n.causal && n.S < n.T)
    fail(op, "causal attention needs at least as many keys as queries, got T=", n.T,
         " and S=", n.S);
  if (fast::enabled()) return fast::attention(op, q, k, v, n);
  const Layout lv{n.heads, n.S, n.e}, lo{n.heads, n.T, n.e};
  Tensor out = empty(n.out, q.dtype());  // every element is written
  dispatch(q.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T *pq = q.data<T>(), *pk = k.data<T>(), *pv = v.data<T>();
    for (std::int64_t m = 0; m < n.G; ++m) {
      const std::vector<double> P = attention_weights(pq, pk, n, m);
      for (std::int64_t i = 0; i < n.T; ++i)
        for (std::int64_t c = 0; c < n.e; ++c) {
          double o = 0;  // out_i = sum_j P_ij v_j
          for (std::int64_t j = 0; j < n.S; ++j) o += P[i * n.S + j] * pv[lv.at(m, j, c)];
          out.data<T>()[lo.at(m, i, c)] = static_cast<T>(o);
        }
    }
  });
  auto composite = [n](const std::vector<Tensor>& in) {  // create_graph (tape.hpp)
    return attention_composite(in[0], in[1], in[2], n);
  };
  return record_first_order(op, {q, k, v}, out, [q, k, v, n](const Tensor& g) {
    const Layout lq{n.heads, n.T, n.d}, lk{n.heads, n.S, n.d}, lv{n.heads, n.S, n.e},
        lo{n.heads, n.T, n.e};
    const double scale = 1.0 / std::sqrt(static_cast<double>(n.d));
    Tensor dq = zeros(q.shape(), q.dtype()), dk = zeros(k.shape(), k.dtype()),
           dv = zeros(v.shape(), v.dtype());
    dispatch(q.dtype(), [&](auto zero) {
      using T = decltype(zero);
      const T *pq = q.data<T>(), *pk = k.data<T>(), *pv = v.data<T>(), *pg = g.data<T>();
      for (std::int64_t m = 0; m < n.G; ++m) {
        const std::vector<double> P = attention_weights(pq, pk, n, m);
        // This problem's gradients, summed in double and written once at the end.
        std::vector<double> gq(static_cast<std::size_t>(n.T * n.d)),
            gk(static_cast<std::size_t>(n.S * n.d)), gv(static_cast<std::size_t>(n.S * n.e)),
            dP(static_cast<std::size_t>(n.S));
        // course ex12 begin: one problem's gradients from P and g: gq, gk, gv
        for (std::int64_t i = 0; i < n.T; ++i) {
          const double* p = P.data() + i * n.S;
          double row = 0;  // sum_j P_ij dP_ij
          for (std::int64_t j = 0; j < n.S; ++j) {
            dP[j] = 0;  // dP_ij = g_i . v_j
            for (std::int64_t c = 0; c < n.e; ++c)
              dP[j] += static_cast<double>(pg[lo.at(m, i, c)]) * pv[lv.at(m, j, c)];
            row += p[j] * dP[j];
          }
          for (std::int64_t j = 0; j < n.S; ++j) {
            const double ds = p[j] * (dP[j] - row) * scale;  // ds_ij, scale folded in
            for (std::int64_t c = 0; c < n.d; ++c) {
              gq[i * n.d + c] += ds * pk[lk.at(m, j, c)];  // dq_i += ds_ij k_j
              gk[j * n.d + c] += ds * pq[lq.at(m, i, c)];  // dk_j += ds_ij q_i
            }
            for (std::int64_t c = 0; c < n.e; ++c)
              gv[j * n.e + c] += p[j] * pg[lo.at(m, i, c)];  // dv_j += P_ij g_i
          }
        }
        // course ex12 end
        for (std::int64_t i = 0; i < n.T; ++i)
          for (std::int64_t c = 0; c < n.d; ++c)
            dq.data<T>()[lq.at(m, i, c)] = static_cast<T>(gq[i * n.d + c]);
        for (std::int64_t j = 0; j < n.S; ++j) {
          for (std::int64_t c = 0; c < n.d; ++c)
            dk.data<T>()[lk.at(m, j, c)] = static_cast<T>(gk[j * n.d + c]);
          for (std::int64_t c = 0; c < n.e; ++c)
            dv.data<T>()[lv.at(m, j, c)] = static_cast<T>(gv[j * n.e + c]);
        }
      }
    });
    accumulate_grad(q, std::move(dq));
    accumulate_grad(k, std::move(dk));
    accumulate_grad(v, std::move(dv));
  }, composite);
}

void check_dtypes(const char* op, const Tensor& q, const Tensor& k, const Tensor& v) {
  if (q.dtype() != k.dtype() || q.dtype() != v.dtype())
    fail(op, "dtypes differ: ", dtype_name(q.dtype()), ", ", dtype_name(k.dtype()), ", ",
         dtype_name(v.dtype()));
}

}  // namespace

Tensor attention_composite(const Tensor& q, const Tensor& k, const Tensor& v,
                           const AttentionShape& n) {
  // (B, T, H*d) -> (B, H, T, d) for the _heads layout; the plain layout is already (..., T, d).
  auto split = [&](const Tensor& t, std::int64_t rows, std::int64_t width) {
    return n.heads == 1 ? t : permute(reshape(t, {t.size(0), rows, n.heads, width}), {0, 2, 1, 3});
  };
  const Tensor qh = split(q, n.T, n.d), kh = split(k, n.S, n.d), vh = split(v, n.S, n.e);
  // q k^T / sqrt(d), with the scale on q (T x d numbers rather than T x S) and k read transposed
  // in place.
  const double scale = 1.0 / std::sqrt(static_cast<double>(n.d));
  Tensor scores = matmul_transposed(qh * scale, kh, false, true);
  if (n.causal) {  // query i sees keys 0..i: -inf beyond, which softmax turns into 0
    std::vector<double> mask(static_cast<std::size_t>(n.T * n.S), 0.0);
    for (std::int64_t i = 0; i < n.T; ++i)
      for (std::int64_t j = i + 1; j < n.S; ++j)
        mask[static_cast<std::size_t>(i * n.S + j)] = -std::numeric_limits<double>::infinity();
    scores = scores + tensor(mask, {n.T, n.S}, q.dtype());
  }
  const Tensor out = matmul(softmax(scores, -1), vh);
  return n.heads == 1 ? out : reshape(permute(out, {0, 2, 1, 3}), n.out);
}

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
      Shape(v.shape().begin(), v.shape().end() - 2) != lead || k.size(-1) != d || v.size(-2) != S)
    fail(op, "shapes do not fit: q ", q.shape(), ", k ", k.shape(), ", v ", v.shape(),
         " (need q (..., T, d), k (..., S, d), v (..., S, e))");
  Shape out_shape = lead;
  out_shape.push_back(T);
  out_shape.push_back(e);
  return attention(op, q, k, v, AttentionShape{numel(lead), T, S, d, e, 1, causal, out_shape});
}

Tensor scaled_dot_product_attention_heads(const Tensor& q, const Tensor& k, const Tensor& v,
                                          std::int64_t heads, bool causal) {
  const char* op = "scaled_dot_product_attention_heads";
  if (q.dim() != 3 || k.dim() != 3 || v.dim() != 3)
    fail(op, "needs q (B, T, H*d), k (B, S, H*d), v (B, S, H*e), got ", q.shape(), ", ", k.shape(),
         ", ", v.shape());
  check_dtypes(op, q, k, v);
  if (heads <= 0) fail(op, "needs at least one head, got ", heads);
  const std::int64_t B = q.size(0), T = q.size(1), S = k.size(1);
  if (k.size(0) != B || v.size(0) != B || v.size(1) != S || k.size(2) != q.size(2) ||
      q.size(2) % heads != 0 || v.size(2) % heads != 0)
    fail(op, "shapes do not fit: q ", q.shape(), ", k ", k.shape(), ", v ", v.shape(), " with ",
         heads, " heads (need q (B, T, H*d), k (B, S, H*d), v (B, S, H*e))");
  const std::int64_t d = q.size(2) / heads, e = v.size(2) / heads;
  return attention(op, q, k, v,
                   AttentionShape{B * heads, T, S, d, e, heads, causal, Shape{B, T, heads * e}});
}

}  // namespace tg
