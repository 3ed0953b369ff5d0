// core/fast/matmul.cpp — batched_product on the packed kernel, matrices spread over threads.
//
// Fast floor. Reference twin: batched_product in core/ops_matmul.cpp (the loop of core/gemm.hpp,
// one matrix after another). Test: "the packed matmul kernel equals the reference on awkward
// sizes" (tests/core/test_fast_kernels.cpp), and every matmul test run on both floors.
#include "core/fast/gemm_packed.hpp"
#include "core/fast/parallel.hpp"
#include "core/fast/switch.hpp"
#include "core/ops.hpp"

namespace tg::fast {

Tensor batched_product(const Tensor& a, const Tensor& b, bool trans_a, bool trans_b,
                       const Shape* shape) {
  const ProductPlan p = plan_product(a, b, trans_a, trans_b, shape);
  Tensor out = empty(p.shape, a.dtype(), "matmul");  // the packed kernel writes every element
  dispatch(a.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    T* pc = out.data<T>();
    // Many small matrices (attention's (batch x heads) products) go over threads one matrix per
    // task; a single large one is split inside gemm_packed instead.
    const auto count = static_cast<std::int64_t>(p.a_at.size());
    parallel_for_if_large(count, count * p.M * p.N * p.K, [&](std::int64_t i) {
      const auto at = static_cast<std::size_t>(i);
      kernels::gemm_packed(trans_a, trans_b, p.M, p.N, p.K, pa + p.a_at[at], pb + p.b_at[at],
                           pc + i * p.M * p.N, false);
    });
  });
  return out;
}

}  // namespace tg::fast
