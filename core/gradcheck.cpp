// core/gradcheck.cpp — see gradcheck.hpp for the method.
#include "core/gradcheck.hpp"

#include <cmath>
#include <memory>
#include <sstream>

#include "core/error.hpp"
#include "core/grad.hpp"
#include "core/ops.hpp"
#include "core/random.hpp"
#include "core/tape.hpp"

namespace tg {

namespace {

// "[1,2]": the multi-index of flat element k of a tensor of shape `shape`.
std::string index_string(std::int64_t k, const Shape& shape) {
  std::vector<std::int64_t> index(shape.size());
  for (std::size_t d = shape.size(); d-- > 0;) {
    index[d] = k % shape[d];
    k /= shape[d];
  }
  std::string s = "[";
  for (std::size_t d = 0; d < index.size(); ++d) {
    if (d) s += ",";
    s += std::to_string(index[d]);
  }
  return s + "]";
}

// Compares backward with central differences for every element of every tensor in `vars` that
// requires grad; f reads them (perturbed in place, one element at a time, then restored).
GradcheckResult compare(const std::function<Tensor()>& f, const std::vector<Tensor>& vars,
                        const GradcheckOptions& options) {
  // A tape of its own, so that the caller's records are neither used nor released.
  Tape tape;
  TapeScope scope(tape);
  for (const Tensor& v : vars) v.zero_grad();

  // Backward: dL/dx for L = sum(w * f(x)).
  Tensor out = f();
  Generator gen(options.seed);
  const Tensor w = randn(out.shape(), gen, float64);
  Tensor loss = sum(mul(out, w));
  if (loss.requires_grad()) loss.backward();

  auto L = [&]() {
    NoGradGuard no_grad;
    return sum(mul(f(), w)).item();
  };

  GradcheckResult result;
  for (std::size_t i = 0; i < vars.size(); ++i) {
    if (!vars[i].requires_grad()) continue;
    const Tensor grad = vars[i].grad();
    double* x = vars[i].data<double>();
    for (std::int64_t k = 0; k < vars[i].numel(); ++k) {
      const double saved = x[k];
      double plus, minus;
      try {
        x[k] = saved + options.eps;
        plus = L();
        x[k] = saved - options.eps;
        minus = L();
      } catch (...) {
        x[k] = saved;  // f threw: leave the tensor as it was before passing the error on
        throw;
      }
      x[k] = saved;
      const double expected = (plus - minus) / (2 * options.eps);
      const double received = grad.defined() ? grad.data<double>()[k] : 0.0;  // undefined: no path
      const double error = std::abs(received - expected);
      ++result.checked;
      if (error > result.max_abs_error || std::isnan(error)) result.max_abs_error = error;
      const bool close = error <= options.atol + options.rtol * std::abs(expected);
      if (!close && result.ok) {
        std::ostringstream m;
        m.precision(10);
        m << "gradcheck: input " << i << " (shape " << to_string(vars[i].shape()) << "), element "
          << index_string(k, vars[i].shape()) << " (value " << saved << "): backward gave "
          << received << ", central differences expected " << expected << " (|difference| " << error
          << " > atol " << options.atol << " + rtol " << options.rtol << " * |expected|)";
        result.ok = false;
        result.message = m.str();
      }
    }
  }
  return result;
}

void require_float64(const char* op, const std::vector<Tensor>& tensors) {
  for (std::size_t i = 0; i < tensors.size(); ++i)
    if (tensors[i].dtype() != float64)
      fail(op, "input ", i, " is ", dtype_name(tensors[i].dtype()),
           "; central differences need float64 inputs (use .to(tg::float64))");
}

}  // namespace

GradcheckResult gradcheck(const GradcheckFn& f, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options) {
  require_float64("gradcheck", inputs);
  std::vector<Tensor> xs;
  for (const Tensor& input : inputs) {
    Tensor copy = input.detach().clone();  // a fresh leaf: the caller's grads stay untouched
    copy.requires_grad_(input.requires_grad());
    xs.push_back(copy);
  }
  return compare([&] { return f(xs); }, xs, options);
}

namespace {
// x -> sum_i <v_i, dL/dx_i> with L = sum(w * f(x)), the gradients taken with create_graph: the
// function gradgradcheck differentiates. The projections w (of f's output) and v_i (of each
// gradient) are drawn on the first call from the shapes and then fixed, so that every call
// computes the same function.
GradcheckFn projected_gradient(const GradcheckFn& f, std::uint64_t seed) {
  struct Projections {
    Tensor w;
    std::vector<Tensor> v;
  };
  auto p = std::make_shared<Projections>();
  return [f, p, seed](const std::vector<Tensor>& xs) {
    GradModeGuard record(true);  // gradcheck's differences run with grad off; this must record
    const Tensor y = f(xs);
    if (!p->w.defined()) {
      Generator gen(seed + 1);
      p->w = randn(y.shape(), gen, float64);
      for (const Tensor& x : xs) p->v.push_back(randn(x.shape(), gen, float64));
    }
    std::vector<Tensor> wanted;
    std::vector<std::size_t> at;
    for (std::size_t i = 0; i < xs.size(); ++i)
      if (xs[i].requires_grad()) wanted.push_back(xs[i]), at.push_back(i);
    Tensor total = zeros({}, float64);
    if (wanted.empty() || !y.requires_grad()) return total;
    const std::vector<Tensor> g =
        grad({sum(mul(y, p->w))}, wanted, {}, /*create_graph=*/true, std::nullopt,
             /*allow_unused=*/true);
    for (std::size_t k = 0; k < g.size(); ++k)
      if (g[k].defined()) total = add(total, sum(mul(g[k], p->v[at[k]])));
    return total;
  };
}
}  // namespace

GradcheckResult gradgradcheck(const GradcheckFn& f, const std::vector<Tensor>& inputs,
                              const GradcheckOptions& options) {
  return gradcheck(projected_gradient(f, options.seed), inputs, options);
}

GradcheckResult gradgradcheck_params(const std::function<Tensor()>& f,
                                     const std::vector<Tensor>& params,
                                     const GradcheckOptions& options) {
  const GradcheckFn of_params = [f](const std::vector<Tensor>&) { return f(); };
  const GradcheckFn g = projected_gradient(of_params, options.seed);
  return gradcheck_params([g, params] { return g(params); }, params, options);
}

GradcheckResult gradcheck_params(const std::function<Tensor()>& f,
                                 const std::vector<Tensor>& params,
                                 const GradcheckOptions& options) {
  require_float64("gradcheck_params", params);
  std::vector<Tensor> saved_grads;
  for (const Tensor& p : params) {
    if (!p.is_leaf() || !p.requires_grad())
      fail("gradcheck_params", "every tensor must be a leaf that requires grad (a parameter)");
    saved_grads.push_back(p.grad());
  }
  auto restore = [&] {
    for (std::size_t i = 0; i < params.size(); ++i) params[i].impl()->grad = saved_grads[i];
  };
  try {
    GradcheckResult result = compare(f, params, options);
    restore();
    return result;
  } catch (...) {
    restore();
    throw;
  }
}

}  // namespace tg
