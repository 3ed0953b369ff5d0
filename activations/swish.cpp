// activations/swish.cpp — Swish, x sigma(beta x), with a fixed or a learnable beta.
//
// Layer: activations. Swish (Ramachandran et al., 2017) interpolates between the identity
// (beta = 0 gives x/2) and relu (beta -> inf); beta = 1 is SiLU. Shapes: x is any shape; a
// tensor beta broadcasts against it, so out has the broadcast shape (normally x's).
//
// Fused backward, with s = sigma(beta x):
//   dx    = g (s + beta x s (1 - s))
//   dbeta = sum over broadcast axes of g x^2 s (1 - s)
// The record keeps x and beta only; s is recomputed in backward (one exp per element) instead of
// being stored, which is the memory the fused op saves over the composite one.
#include "activations/activations.hpp"
#include "core/activation_math.hpp"
#include "core/create_graph.hpp"
#include "core/error.hpp"
#include "core/kernels.hpp"
#include "core/ops.hpp"
#include "core/pointwise.hpp"
#include "core/tape.hpp"

namespace tg {

Tensor swish(const Tensor& x, double beta) {
  return pointwise(
      "swish", "swish_grad", x, [beta](auto v) { return math::swish(v, decltype(v)(beta)); },
      [beta](auto v) { return math::swish_grad_x(v, decltype(v)(beta)); },
      [beta](auto v) { return math::swish_grad_x2(v, decltype(v)(beta)); });
}

Tensor swish(const Tensor& x, const Tensor& beta) {
  if (x.dtype() != beta.dtype())
    fail("swish", "x is ", dtype_name(x.dtype()), " but beta is ", dtype_name(beta.dtype()));
  const Shape shape = broadcast_shapes("swish", x.shape(), beta.shape());
  Tensor out = zeros(shape, x.dtype());
  dispatch(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    kernels::map_broadcast(x.data<T>(), x.shape(), beta.data<T>(), beta.shape(), out.data<T>(),
                           shape, [](T v, T b) { return math::swish(v, b); });
  });
  return record_first_order("swish", {x, beta}, out, [x, beta, shape](const Tensor& g) {
    Tensor dx = zeros(shape, x.dtype()), dbeta = zeros(shape, x.dtype());
    dispatch(x.dtype(), [&](auto zero) {
      using T = decltype(zero);
      const T* pg = g.data<T>();
      T* px = dx.data<T>();
      T* pb = dbeta.data<T>();
      kernels::map_broadcast(x.data<T>(), x.shape(), beta.data<T>(), beta.shape(), px, shape,
                             [](T v, T b) { return math::swish_grad_x(v, b); });
      kernels::map_broadcast(x.data<T>(), x.shape(), beta.data<T>(), beta.shape(), pb, shape,
                             [](T v, T b) { return math::swish_grad_beta(v, b); });
      for (std::int64_t i = 0; i < numel(shape); ++i) {
        px[i] *= pg[i];
        pb[i] *= pg[i];
      }
    });
    accumulate_grad(x, std::move(dx));
    accumulate_grad(beta, std::move(dbeta));  // summed down to beta's shape: one beta served many x
  }, [](const std::vector<Tensor>& in) { return swish_composite(in[0], in[1]); });  // create_graph
}

Tensor swish_composite(const Tensor& x, double beta) {
  return x * sigmoid(x * beta);
}

Tensor swish_composite(const Tensor& x, const Tensor& beta) {
  return x * sigmoid(x * beta);
}

}  // namespace tg
