// core/ops_softmax.cpp — softmax, log_softmax and cross_entropy, each with a fused backward.
//
// Layer: core. All three view x as (outer, n, inner) around the class axis (kernels.hpp).
//
// Softmax y_i = exp(x_i - m) / sum_j exp(x_j - m) with m = max_j x_j. Subtracting m changes
// nothing mathematically (it cancels) but keeps every exp() <= 1, so large logits cannot
// overflow. The Jacobian is dy_i/dx_j = y_i (delta_ij - y_j), so for an upstream gradient g:
//   dx_j = sum_i g_i y_i (delta_ij - y_j) = y_j (g_j - sum_i g_i y_i).
// Log-softmax z_i = x_i - m - log sum_j exp(x_j - m) has dz_i/dx_j = delta_ij - y_j, so
//   dx_j = g_j - y_j sum_i g_i.
// Cross-entropy with target t is -z_t, so its gradient per row is (y - onehot(t)) / count.
#include <cmath>

#include "core/create_graph.hpp"
#include "core/error.hpp"
#include "core/kernels.hpp"
#include "core/ops.hpp"
#include "core/tape.hpp"

namespace tg {

namespace {

// Writes softmax (log = false) or log_softmax (log = true) of x along the viewed axis into out.
template <class T>
void softmax_forward(const T* x, T* out, const kernels::AxisView& v, bool log) {
  for (std::int64_t a = 0; a < v.outer; ++a)
    for (std::int64_t i = 0; i < v.inner; ++i) {
      const T* row = x + a * v.n * v.inner + i;  // element k of this row is row[k * inner]
      T* dst = out + a * v.n * v.inner + i;
      T m = row[0];
      for (std::int64_t k = 1; k < v.n; ++k) m = std::max(m, row[k * v.inner]);
      double total = 0;  // in double, as every sum here (ops_reduce.cpp says why)
      for (std::int64_t k = 0; k < v.n; ++k) total += std::exp(row[k * v.inner] - m);
      const T log_total = static_cast<T>(std::log(total));
      for (std::int64_t k = 0; k < v.n; ++k) {
        const T z = row[k * v.inner] - m - log_total;  // log_softmax
        dst[k * v.inner] = log ? z : std::exp(z);
      }
    }
}

Tensor softmax_op(const char* op, const Tensor& x, std::int64_t axis, bool log) {
  const int ax = normalize_axis(op, axis, x.dim());
  const kernels::AxisView v = kernels::axis_view(x.shape(), ax);
  if (v.n == 0) fail(op, "axis ", ax, " of shape ", x.shape(), " is empty");
  Tensor out = empty(x.shape(), x.dtype());
  dispatch(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    softmax_forward(x.data<T>(), out.data<T>(), v, log);
  });
  return out;
}

}  // namespace

Tensor softmax(const Tensor& x, std::int64_t axis) {
  Tensor y = softmax_op("softmax", x, axis, false);
  const int ax = normalize_axis("softmax", axis, x.dim());
  // The output kept as a SavedOutput (core/create_graph.hpp), as div's.
  return record("softmax", {x}, y, [x, saved = SavedOutput(y), ax](const Tensor& g) {
    const Tensor y = saved.get([&] { return softmax(x, ax); });
    accumulate_grad(x, mul(y, sub(g, sum(mul(g, y), ax, true))));  // y (g - sum(g y))
  });
}

Tensor log_softmax(const Tensor& x, std::int64_t axis) {
  Tensor z = softmax_op("log_softmax", x, axis, true);
  const int ax = normalize_axis("log_softmax", axis, x.dim());
  // (The output kept as softmax's is.)
  return record("log_softmax", {x}, z, [x, saved = SavedOutput(z), ax](const Tensor& g) {
    const Tensor y = exp(saved.get([&] { return log_softmax(x, ax); }));
    accumulate_grad(x, sub(g, mul(y, sum(g, ax, true))));  // g - y sum(g), y = exp(z)
  });
}

Tensor cross_entropy(const Tensor& logits, const std::vector<std::int64_t>& targets,
                     std::int64_t ignore_index) {
  if (logits.dim() != 2)
    fail("cross_entropy", "logits must be (N, C), got ", logits.shape(),
         "; reshape (B, T, C) logits to (B*T, C)");
  const std::int64_t N = logits.size(0), C = logits.size(1);
  if (static_cast<std::int64_t>(targets.size()) != N)
    fail("cross_entropy", "logits ", logits.shape(), " have ", N, " rows but there are ",
         targets.size(), " targets");
  std::int64_t count = 0;
  for (std::size_t n = 0; n < targets.size(); ++n) {
    if (targets[n] == ignore_index) continue;
    if (targets[n] < 0 || targets[n] >= C)
      fail("cross_entropy", "target ", targets[n], " at row ", n, " is not a class in 0..", C - 1,
           " (logits ", logits.shape(), ", ignore_index ", ignore_index, ")");
    ++count;
  }
  // z = log_softmax(logits), computed once and kept for the backward pass.
  const Tensor z = softmax_op("cross_entropy", logits, 1, true);
  Tensor loss = zeros({}, logits.dtype());
  dispatch(logits.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* pz = z.data<T>();
    double total = 0;  // summed in double: N may be large
    for (std::int64_t n = 0; n < N; ++n)
      if (targets[n] != ignore_index) total -= pz[n * C + targets[n]];
    loss.data<T>()[0] = static_cast<T>(total / static_cast<double>(count));  // 0/0 = NaN if none
  });
  return record_first_order(
      "cross_entropy", {logits}, loss, [logits, z, targets, ignore_index, count](const Tensor& g) {
        // course ex08 begin: cross-entropy's gradient, d loss / d logits
        // d loss / d logits[n, c] = (softmax[n, c] - [c == t_n]) / count, and 0 on
        // ignored rows.
        Tensor d = empty(z.shape(), z.dtype());
        dispatch(z.dtype(), [&](auto zero) {
          using T = decltype(zero);
          const T* pz = z.data<T>();
          T* pd = d.data<T>();
          const T scale = static_cast<T>(g.item() / static_cast<double>(count));
          const std::int64_t C = z.size(1);
          for (std::int64_t n = 0; n < z.size(0); ++n)
            for (std::int64_t c = 0; c < C; ++c) {
              const bool ignored = targets[n] == ignore_index;
              const T y = std::exp(pz[n * C + c]) - (c == targets[n] ? T(1) : T(0));
              pd[n * C + c] = ignored ? T(0) : y * scale;
            }
        });
        accumulate_grad(logits, std::move(d));
        // course ex08 end
      },
      [targets, ignore_index, count](const std::vector<Tensor>& in) {
        // The composite form (create_graph, tape.hpp): -sum(w * log_softmax(logits)), where w
        // holds 1/count at each kept row's target and 0 elsewhere.
        const std::int64_t N = in[0].size(0), C = in[0].size(1);
        std::vector<double> w(static_cast<std::size_t>(N * C), 0.0);
        for (std::int64_t n = 0; n < N; ++n)
          if (targets[n] != ignore_index)
            w[static_cast<std::size_t>(n * C + targets[n])] = 1.0 / static_cast<double>(count);
        return neg(sum(mul(log_softmax(in[0], 1), tensor(w, {N, C}, in[0].dtype()))));
      });
}

}  // namespace tg
