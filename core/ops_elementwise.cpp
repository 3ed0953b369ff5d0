// core/ops_elementwise.cpp — elementwise ops beyond the four arithmetic ones (those are in
// ops_arithmetic.cpp): powers, exp and log, piecewise ops, comparisons; each forward followed by
// its backward.
//
// Layer: core. Shapes: out has the broadcast shape of the inputs (shape.hpp); a gradient handed
// to accumulate_grad may have that broadcast shape, and accumulate_grad sums it back down.
// Backward functions run with recording off, so they may freely use these same ops.
#include <cmath>

#include "core/create_graph.hpp"
#include "core/elementwise.hpp"
#include "core/error.hpp"
#include "core/kernels.hpp"
#include "core/ops.hpp"
#include "core/tape.hpp"

namespace tg {

using namespace elementwise;

Tensor pow(const Tensor& x, double p) {
  Tensor out = unary(x, [p](auto v) { return std::pow(v, static_cast<decltype(v)>(p)); });
  return record("pow", {x}, out, [x, p](const Tensor& g) {
    if (p == 0) {  // x^0 = 1 is constant (and 0 * x^-1 would be NaN at x = 0)
      accumulate_grad(x, zeros_like(g));
      return;
    }
    accumulate_grad(x, mul(g, mul(pow(x, p - 1.0), like_scalar(p, x))));  // d x^p = p x^(p-1)
  });
}

Tensor exp(const Tensor& x) {
  Tensor out = unary(x, [](auto v) { return std::exp(v); });
  // The output kept as a SavedOutput (as div's, core/ops_arithmetic.cpp).
  return record("exp", {x}, out, [x, y = SavedOutput(out)](const Tensor& g) {
    accumulate_grad(x, mul(g, y.get([&] { return exp(x); })));  // d e^x = e^x, the output
  });
}

Tensor log(const Tensor& x) {
  Tensor out = unary(x, [](auto v) { return std::log(v); });
  return record("log", {x}, out, [x](const Tensor& g) { accumulate_grad(x, div(g, x)); });
}

Tensor sqrt(const Tensor& x) {
  Tensor out = unary(x, [](auto v) { return std::sqrt(v); });
  return record("sqrt", {x}, out, [x, y = SavedOutput(out)](const Tensor& g) {  // (as exp's)
    const Tensor out = y.get([&] { return sqrt(x); });
    accumulate_grad(x, div(g, mul(out, like_scalar(2.0, x))));  // d sqrt(x) = 1 / (2 sqrt(x))
  });
}

Tensor abs(const Tensor& x) {
  Tensor out = unary(x, [](auto v) { return std::abs(v); });
  return record("abs", {x}, out, [x](const Tensor& g) {
    // sign(x): +1, -1, and 0 at x = 0 (a subgradient; PyTorch makes the same choice).
    accumulate_grad(x, mul(g, unary(x, [](auto v) { return (v > 0) - (v < 0); })));
  });
}

Tensor clamp(const Tensor& x, double lo, double hi) {
  if (lo > hi) fail("clamp", "lo=", lo, " is greater than hi=", hi);
  Tensor out = unary(x, [lo, hi](auto v) {
    using T = decltype(v);
    return v < T(lo) ? T(lo) : (v > T(hi) ? T(hi) : v);
  });
  return record("clamp", {x}, out, [x, lo, hi](const Tensor& g) {
    // 1 where x is inside [lo, hi] (the identity there), 0 where the bound was taken.
    accumulate_grad(x, mul(g, unary(x, [lo, hi](auto v) {
                             using T = decltype(v);  // compare in T, exactly as the forward did
                             return v >= T(lo) && v <= T(hi) ? 1 : 0;
                           })));
  });
}

namespace {
// The share of the gradient `a` gets in maximum (is_max) or minimum: 1 where a wins, 0 where
// b wins, 1/2 on a tie (a symmetric choice, as PyTorch makes).
Tensor winner_share(const char* op, const Tensor& a, const Tensor& b, bool is_max) {
  return binary(op, a, b, [is_max](auto x, auto y) {
    using T = decltype(x);
    if (x == y) return T(0.5);
    return (x > y) == is_max ? T(1) : T(0);
  });
}

Tensor extremum(const char* op, const Tensor& a, const Tensor& b, bool is_max) {
  Tensor out = binary(op, a, b, [is_max](auto x, auto y) {
    if (std::isnan(x) || std::isnan(y)) return x + y;  // NaN in, NaN out, whichever side
    return (x > y) == is_max ? x : y;
  });
  return record(op, {a, b}, out, [op, a, b, is_max](const Tensor& g) {
    const Tensor share_a = winner_share(op, a, b, is_max);
    if (a.requires_grad()) accumulate_grad(a, mul(g, share_a));
    if (b.requires_grad()) accumulate_grad(b, mul(g, sub(like_scalar(1.0, a), share_a)));
  });
}
}  // namespace

Tensor maximum(const Tensor& a, const Tensor& b) {
  return extremum("maximum", a, b, true);
}
Tensor minimum(const Tensor& a, const Tensor& b) {
  return extremum("minimum", a, b, false);
}

Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b) {
  check_same_dtype("where", a, b);
  check_same_dtype("where", condition, a);
  const Shape shape =
      broadcast_shapes("where", condition.shape(), broadcast_shapes("where", a.shape(), b.shape()));
  Tensor cond, out;
  {
    NoGradGuard no_grad;  // the expanded copies are a forward detail, not ops to record
    cond = expand(condition, shape);
    out = select(cond, expand(a, shape), expand(b, shape));
  }
  return record("where", {a, b}, out, [cond, a, b](const Tensor& g) {
    const Tensor zero = zeros_like(g);
    // Under create_graph, the same choice as the recorded op where(), to differentiate again.
    const auto pick = is_creating_graph() ? where : select;
    if (a.requires_grad()) accumulate_grad(a, pick(cond, g, zero));  // to where each value
    if (b.requires_grad()) accumulate_grad(b, pick(cond, zero, g));  // was taken from
  });
}

Tensor masked_fill(const Tensor& x, const Tensor& mask, double value) {
  if (broadcast_shapes("masked_fill", mask.shape(), x.shape()) != x.shape())
    fail("masked_fill", "mask of shape ", mask.shape(), " does not broadcast to x's shape ",
         x.shape());
  return where(mask, full(x.shape(), value, x.dtype()), x);
}

Tensor gt(const Tensor& a, const Tensor& b) {
  return binary("gt", a, b, [](auto x, auto y) { return x > y ? 1 : 0; });
}
Tensor lt(const Tensor& a, const Tensor& b) {
  return binary("lt", a, b, [](auto x, auto y) { return x < y ? 1 : 0; });
}
Tensor eq(const Tensor& a, const Tensor& b) {
  return binary("eq", a, b, [](auto x, auto y) { return x == y ? 1 : 0; });
}

Tensor Tensor::clone() const {
  Tensor out = unary(*this, [](auto v) { return v; });
  const Tensor self = *this;
  return record("clone", {self}, out, [self](const Tensor& g) { accumulate_grad(self, g); });
}

Tensor Tensor::to(DType d) const {
  const Tensor self = *this;
  if (d == dtype()) return self;
  Tensor out = zeros(shape(), d);
  dispatch(dtype(), [&](auto from) {
    dispatch(d, [&](auto into) {
      using From = decltype(from);
      using Into = decltype(into);
      const From* src = data<From>();
      Into* dst = out.data<Into>();
      for (std::int64_t i = 0; i < numel(); ++i) dst[i] = static_cast<Into>(src[i]);
    });
  });
  return record("to", {self}, out,
                [self](const Tensor& g) { accumulate_grad(self, g.to(self.dtype())); });
}

void add_(const Tensor& target, const Tensor& source) {
  check_same_dtype("add_", target, source);
  if (broadcast_shapes("add_", target.shape(), source.shape()) != target.shape())
    fail("add_", "source of shape ", source.shape(), " does not broadcast to target's shape ",
         target.shape());
  dispatch(target.dtype(), [&](auto zero) {
    using T = decltype(zero);
    T* t = target.data<T>();
    kernels::map_broadcast(t, target.shape(), source.data<T>(), source.shape(), t, target.shape(),
                           [](T x, T y) { return x + y; });
  });
}

}  // namespace tg
