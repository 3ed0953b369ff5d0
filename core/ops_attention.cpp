// core/ops_attention.cpp — scaled dot-product attention as one op, with its backward.
//
// Layer: core. Shapes: q (..., T, d), k (..., S, d), v (..., S, e) -> out (..., T, e), the
// leading axes "..." equal on all three (batch and heads: G matrices in all). For each of the G
// matrices, with scale = 1/sqrt(d):
//   scores  S_ij = scale q_i . k_j                       (T, S)
//   causal: S_ij = -inf for j > i  (position i sees positions 0..i only)
//   P = softmax(S) along j;   out = P v                    (T, e)
// The composite form (matmul, mul, masked_fill, softmax, matmul: docs/attention.md) keeps four
// (T, S) tensors per matrix for its backward; this op keeps only P. Backward, from dout:
//   dP = dout v^T;   dS_ij = P_ij (dP_ij - sum_k P_ik dP_ik)   (softmax's backward, per row)
//   dq = scale dS k;   dk = scale dS^T q;   dv = P^T dout
// A masked entry has P_ij = 0, so it passes no gradient. Each matrix is an independent task,
// spread over threads; the products inside run on the packed matmul kernel.
#include <cmath>
#include <limits>
#include <vector>

#include "core/error.hpp"
#include "core/gemm_packed.hpp"
#include "core/ops.hpp"
#include "core/parallel.hpp"
#include "core/tape.hpp"

namespace tg {

Tensor scaled_dot_product_attention(const Tensor& q, const Tensor& k, const Tensor& v,
                                    bool causal) {
  const char* op = "scaled_dot_product_attention";
  if (q.dim() < 2 || k.dim() != q.dim() || v.dim() != q.dim())
    fail(op, "needs q (..., T, d), k (..., S, d), v (..., S, e) with the same number of axes, got ",
         q.shape(), ", ", k.shape(), ", ", v.shape());
  if (q.dtype() != k.dtype() || q.dtype() != v.dtype())
    fail(op, "dtypes differ: ", dtype_name(q.dtype()), ", ", dtype_name(k.dtype()), ", ",
         dtype_name(v.dtype()));
  const Shape lead(q.shape().begin(), q.shape().end() - 2);
  const std::int64_t T = q.size(-2), d = q.size(-1), S = k.size(-2), e = v.size(-1);
  if (Shape(k.shape().begin(), k.shape().end() - 2) != lead ||
      Shape(v.shape().begin(), v.shape().end() - 2) != lead || k.size(-1) != d ||
      v.size(-2) != S)
    fail(op, "shapes do not fit: q ", q.shape(), ", k ", k.shape(), ", v ", v.shape(),
         " (need q (..., T, d), k (..., S, d), v (..., S, e))");
  if (causal && S < T) fail(op, "causal attention needs at least as many keys as queries, got T=",
                            T, " and S=", S);
  const std::int64_t G = numel(lead);
  Shape out_shape = lead;
  out_shape.push_back(T);
  out_shape.push_back(e);
  Shape p_shape = lead;
  p_shape.push_back(T);
  p_shape.push_back(S);
  // Every element of both is written (the products overwrite; masked weights are set to 0).
  Tensor out = uninitialized(out_shape, q.dtype()), probs = uninitialized(p_shape, q.dtype());
  const double scale = 1.0 / std::sqrt(static_cast<double>(d));
  dispatch(q.dtype(), [&](auto zero) {
    using T_ = decltype(zero);
    const T_ *pq = q.data<T_>(), *pk = k.data<T_>(), *pv = v.data<T_>();
    T_ *po = out.data<T_>(), *pp = probs.data<T_>();
    parallel_for_if_large(G, G * T * S * (d + e), [&](std::int64_t g) {
      T_* P = pp + g * T * S;
      kernels::gemm_packed(false, true, T, S, d, pq + g * T * d, pk + g * S * d, P, false);  // q k^T
      for (std::int64_t i = 0; i < T; ++i) {
        T_* row = P + i * S;
        const std::int64_t seen = causal ? i + 1 : S;  // keys this query may attend to
        T_ m = -std::numeric_limits<T_>::infinity();
        for (std::int64_t j = 0; j < seen; ++j) m = std::max(m, row[j] * static_cast<T_>(scale));
        T_ total = 0;
        for (std::int64_t j = 0; j < seen; ++j)
          total += row[j] = std::exp(row[j] * static_cast<T_>(scale) - m);
        for (std::int64_t j = 0; j < seen; ++j) row[j] /= total;
        for (std::int64_t j = seen; j < S; ++j) row[j] = 0;  // masked: weight 0
      }
      kernels::gemm_packed(false, false, T, e, S, P, pv + g * S * e, po + g * T * e, false);  // P v
    });
  });
  return record(op, {q, k, v}, out, [q, k, v, probs, G, T, S, d, e, scale](const Tensor& dout) {
    Tensor dq = uninitialized(q.shape(), q.dtype()), dk = uninitialized(k.shape(), k.dtype()),
           dv = uninitialized(v.shape(), v.dtype());
    dispatch(q.dtype(), [&](auto zero) {
      using T_ = decltype(zero);
      const T_ *pq = q.data<T_>(), *pk = k.data<T_>(), *pv = v.data<T_>(), *pp = probs.data<T_>(),
               *pg = dout.data<T_>();
      T_ *pdq = dq.data<T_>(), *pdk = dk.data<T_>(), *pdv = dv.data<T_>();
      parallel_for_if_large(G, G * T * S * (2 * d + 2 * e), [&](std::int64_t g) {
        const T_* P = pp + g * T * S;
        const T_* dO = pg + g * T * e;
        thread_local std::vector<T_> scratch;  // dP, then dS in place: (T, S)
        scratch.resize(static_cast<std::size_t>(T * S));
        T_* dS = scratch.data();
        kernels::gemm_packed(true, false, S, e, T, P, dO, pdv + g * S * e, false);  // P^T dout
        kernels::gemm_packed(false, true, T, S, e, dO, pv + g * S * e, dS, false);  // dout v^T
        for (std::int64_t i = 0; i < T; ++i) {
          T_* row = dS + i * S;
          const T_* p = P + i * S;
          T_ dot = 0;
          for (std::int64_t j = 0; j < S; ++j) dot += p[j] * row[j];
          for (std::int64_t j = 0; j < S; ++j) row[j] = p[j] * (row[j] - dot) * static_cast<T_>(scale);
        }
        kernels::gemm_packed(false, false, T, d, S, dS, pk + g * S * d, pdq + g * T * d, false);
        kernels::gemm_packed(true, false, S, d, T, dS, pq + g * T * d, pdk + g * S * d, false);
      });
    });
    accumulate_grad(q, dq);
    accumulate_grad(k, dk);
    accumulate_grad(v, dv);
  });
}

}  // namespace tg
