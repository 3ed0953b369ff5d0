// core/ops_matmul.cpp — the (batched, broadcasting) matrix product and its backward.
//
// Layer: core. Shapes: a is (..., M, K), b is (..., K, N), out is (..., M, N), where the batch
// axes "..." of a and b broadcast together (a (4,1,M,K) times a (3,K,N) gives (4,3,M,N)).
//
// Backward of C = A·B for one matrix pair, from dC (M, N):
//   dA = dC · B^T   (M,N)·(N,K) -> (M,K)      dB = A^T · dC   (K,M)·(M,N) -> (K,N)
// (element-wise: C_ij = sum_k A_ik B_kj, so dL/dA_ik = sum_j dC_ij B_kj.) Over a batch that was
// broadcast, accumulate_grad sums these back down to each input's batch shape.
//
// The products run on the reference loop of gemm.hpp, one matrix after another; with the fast
// floor on (core/fast/switch.hpp) on core/fast/matmul.cpp's blocked, packed and threaded kernel,
// which computes the same sums (test: "the packed matmul kernel equals the reference").
#include <algorithm>
#include <vector>

#include "core/create_graph.hpp"
#include "core/error.hpp"
#include "core/fast/switch.hpp"
#include "core/gemm.hpp"
#include "core/kernels.hpp"
#include "core/ops.hpp"
#include "core/tape.hpp"

namespace tg {

ProductPlan plan_product(const Tensor& a, const Tensor& b, bool trans_a, bool trans_b,
                         const Shape* shape) {
  const Shape& as = a.shape();
  const Shape& bs = b.shape();
  ProductPlan p;
  const std::int64_t ra = as[as.size() - 2], ca = as[as.size() - 1];
  const std::int64_t rb = bs[bs.size() - 2], cb = bs[bs.size() - 1];
  p.M = trans_a ? ca : ra, p.K = trans_a ? ra : ca;
  p.N = trans_b ? rb : cb;
  const Shape a_batch(as.begin(), as.end() - 2), b_batch(bs.begin(), bs.end() - 2);
  const Shape batch = broadcast_shapes("matmul", a_batch, b_batch);
  p.shape = batch;
  p.shape.push_back(p.M);
  p.shape.push_back(p.N);
  if (shape && numel(*shape) != numel(p.shape))
    fail("batched_product", "result shape ", *shape, " does not hold the product's ", p.shape);
  if (shape) p.shape = *shape;
  // Matrix i of the output is a's matrix ia times b's matrix ib (0-stride where broadcast).
  kernels::for_each_broadcast(batch, broadcast_strides(a_batch, batch),
                              broadcast_strides(b_batch, batch),
                              [&](std::int64_t, std::int64_t ia, std::int64_t ib) {
                                p.a_at.push_back(ia * p.M * p.K);
                                p.b_at.push_back(ib * p.K * p.N);
                              });
  return p;
}

Tensor batched_product(const Tensor& a, const Tensor& b, bool trans_a, bool trans_b,
                       const Shape* shape) {
  if (fast::enabled()) return fast::batched_product(a, b, trans_a, trans_b, shape);
  const ProductPlan p = plan_product(a, b, trans_a, trans_b, shape);
  Tensor out = zeros(p.shape, a.dtype(), "matmul");  // gemm adds into C
  dispatch(a.dtype(), [&](auto zero) {
    using T = decltype(zero);
    for (std::size_t i = 0; i < p.a_at.size(); ++i)  // C_i = op(A_i) op(B_i), (M, N)
      kernels::gemm(trans_a, trans_b, p.M, p.N, p.K, a.data<T>() + p.a_at[i],
                    b.data<T>() + p.b_at[i],
                    out.data<T>() + static_cast<std::int64_t>(i) * p.M * p.N);
  });
  return out;
}

Tensor matmul(const Tensor& a, const Tensor& b) {
  if (a.dim() < 2 || b.dim() < 2)
    fail("matmul", "needs at least 2 dims on both sides, got ", a.shape(), " @ ", b.shape(),
         "; reshape a vector to (1,n) or (n,1)");
  if (a.dtype() != b.dtype())
    fail("matmul", "dtypes differ: ", dtype_name(a.dtype()), " ", a.shape(), " @ ",
         dtype_name(b.dtype()), " ", b.shape());
  if (a.size(-1) != b.size(-2))
    fail("matmul", "inner dimensions differ: ", a.shape(), " @ ", b.shape(), " (", a.size(-1),
         " vs ", b.size(-2), ")");
  // The batch axes (all but the last two) must broadcast; the error names both whole shapes.
  for (std::int64_t k = 3; k <= std::min(a.dim(), b.dim()); ++k)
    if (a.size(-k) != b.size(-k) && a.size(-k) != 1 && b.size(-k) != 1)
      fail("matmul", "batch dimensions do not broadcast: ", a.shape(), " @ ", b.shape(), " (axis -",
           k, ": ", a.size(-k), " vs ", b.size(-k), ")");
  Tensor out = batched_product(a, b, false, false);
  return record("matmul", {a, b}, out, [a, b](const Tensor& g) {
    if (is_creating_graph()) {  // the same formulas as recorded ops, to differentiate again
      if (a.requires_grad()) accumulate_grad(a, matmul_transposed(g, b, false, true));
      if (b.requires_grad()) accumulate_grad(b, matmul_transposed(a, g, true, false));
      return;
    }
    // course ex03 begin: the product's backward, dA and dB from dC
    if (a.requires_grad()) accumulate_grad(a, batched_product(g, b, false, true));  // dC · B^T
    if (b.requires_grad()) accumulate_grad(b, batched_product(a, g, true, false));  // A^T · dC
    // course ex03 end
  });
}

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  if (x.dim() < 1 || weight.dim() != 2 || x.size(-1) != weight.size(1))
    fail("linear", "needs x (..., in) and weight (out, in), got x ", x.shape(), " and weight ",
         weight.shape());
  if (x.dtype() != weight.dtype() || (bias.defined() && bias.dtype() != x.dtype()))
    fail("linear", "dtypes differ: x ", dtype_name(x.dtype()), ", weight ",
         dtype_name(weight.dtype()), bias.defined() ? ", bias " : "",
         bias.defined() ? dtype_name(bias.dtype()) : "");
  const std::int64_t in = weight.size(1), out = weight.size(0);
  if (bias.defined() && bias.shape() != Shape{out})
    fail("linear", "bias has shape ", bias.shape(), " but weight ", weight.shape(), " needs (", out,
         ",)");
  // Every leading axis of x is a row: (N, in) with N the product of the leading sizes, viewed
  // without a copy. (Not numel / in: with in = 0 features there are still N rows, each = bias.)
  const std::int64_t rows = numel(Shape(x.shape().begin(), x.shape().end() - 1));
  Tensor y;
  {
    NoGradGuard no_grad;  // the reshapes are views inside one op, not ops of their own
    y = batched_product(x.reshape({rows, in}), weight, false, true);  // (N,in)(out,in)^T
    if (bias.defined()) add_(y, bias);
    Shape out_shape = x.shape();
    out_shape.back() = out;
    y = y.reshape(out_shape);
  }
  std::vector<Tensor> inputs = {x, weight};
  if (bias.defined()) inputs.push_back(bias);
  return record("linear", inputs, y, [x, weight, bias, rows, in, out](const Tensor& g) {
    const Tensor g2 = g.reshape({rows, out});
    if (is_creating_graph()) {  // the same formulas as recorded ops, to differentiate again
      const Tensor x2 = x.reshape({rows, in});
      if (x.requires_grad()) accumulate_grad(x, matmul(g2, weight).reshape(x.shape()));
      if (weight.requires_grad()) accumulate_grad(weight, matmul_transposed(g2, x2, true, false));
      if (bias.defined() && bias.requires_grad()) accumulate_grad(bias, sum(g2, 0));
      return;
    }
    // course ex03 begin: the same for y = x W^T: dx and dW from dy
    if (x.requires_grad())  // dx = g W: (N,out)(out,in)
      accumulate_grad(x, batched_product(g2, weight, false, false, &x.shape()));
    if (weight.requires_grad())  // dW = g^T x: (out,N)(N,in)
      accumulate_grad(weight, batched_product(g2, x.reshape({rows, in}), true, false));
    // course ex03 end
    if (bias.defined() && bias.requires_grad()) accumulate_grad(bias, sum(g2, 0));  // sum of rows
  });
}

}  // namespace tg
