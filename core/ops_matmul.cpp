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
// The products run on gemm_packed.hpp's blocked, threaded kernel; set_matmul_kernel switches to
// the reference loop of gemm.hpp (to compare them: build/bin/bench --kernel reference).
#include "core/error.hpp"
#include <algorithm>
#include <atomic>
#include <vector>

#include "core/gemm.hpp"
#include "core/gemm_packed.hpp"
#include "core/parallel.hpp"
#include "core/kernels.hpp"
#include "core/ops.hpp"
#include "core/tape.hpp"

namespace tg {

namespace {
std::atomic<MatmulKernel> matmul_kernel{MatmulKernel::Packed};
}  // namespace

void set_matmul_kernel(MatmulKernel kernel) { matmul_kernel = kernel; }

Tensor batched_product(const Tensor& a, const Tensor& b, bool trans_a, bool trans_b,
                       const Shape* shape) {
  const Shape& as = a.shape();
  const Shape& bs = b.shape();
  const std::int64_t ra = as[as.size() - 2], ca = as[as.size() - 1];
  const std::int64_t rb = bs[bs.size() - 2], cb = bs[bs.size() - 1];
  const std::int64_t M = trans_a ? ca : ra, K = trans_a ? ra : ca;
  const std::int64_t N = trans_b ? rb : cb;
  const Shape a_batch(as.begin(), as.end() - 2), b_batch(bs.begin(), bs.end() - 2);
  Shape out_shape = broadcast_shapes("matmul", a_batch, b_batch);
  const Shape batch = out_shape;
  out_shape.push_back(M);
  out_shape.push_back(N);
  // The packed kernel writes every element (C = A·B); the reference loop adds into zeros.
  const bool reference = matmul_kernel.load() == MatmulKernel::Reference;
  if (shape && numel(*shape) != numel(out_shape))
    fail("batched_product", "result shape ", *shape, " does not hold the product's ", out_shape);
  const Shape& made = shape ? *shape : out_shape;
  Tensor out = reference ? empty(made, a.dtype(), "matmul") : uninitialized(made, a.dtype(), "matmul");
  dispatch(a.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    T* pc = out.data<T>();
    // Matrix i of the output is a[ia] times b[ib] (ia, ib: 0-stride where broadcast). Many
    // small matrices (attention's (batch x heads) products) are spread over threads one matrix
    // per task; a single large one is split inside gemm_packed instead.
    std::vector<std::int64_t> ia, ib;
    kernels::for_each_broadcast(batch, broadcast_strides(a_batch, batch),
                                broadcast_strides(b_batch, batch),
                                [&](std::int64_t, std::int64_t i_a, std::int64_t i_b) {
                                  ia.push_back(i_a);
                                  ib.push_back(i_b);
                                });
    auto product = [&](std::int64_t i) {
      const T* x = pa + ia[static_cast<std::size_t>(i)] * M * K;
      const T* y = pb + ib[static_cast<std::size_t>(i)] * K * N;
      if (reference)
        kernels::gemm(trans_a, trans_b, M, N, K, x, y, pc + i * M * N);
      else
        kernels::gemm_packed(trans_a, trans_b, M, N, K, x, y, pc + i * M * N, false);
    };
    const auto count = static_cast<std::int64_t>(ia.size());
    parallel_for_if_large(count, count * M * N * K, product);
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
    if (a.requires_grad()) accumulate_grad(a, batched_product(g, b, false, true));  // dC · B^T
    if (b.requires_grad()) accumulate_grad(b, batched_product(a, g, true, false));  // A^T · dC
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
    if (x.requires_grad())  // dx = g W: (N,out)(out,in)
      accumulate_grad(x, batched_product(g2, weight, false, false, &x.shape()));
    if (weight.requires_grad())  // dW = g^T x: (out,N)(N,in)
      accumulate_grad(weight, batched_product(g2, x.reshape({rows, in}), true, false));
    if (bias.defined() && bias.requires_grad()) accumulate_grad(bias, sum(g2, 0));  // sum of rows
  });
}

}  // namespace tg
