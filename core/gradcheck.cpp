// core/gradcheck.cpp — see gradcheck.hpp for the method.
#include "core/gradcheck.hpp"

#include <cmath>
#include <sstream>

#include "core/error.hpp"
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
}  // namespace

GradcheckResult gradcheck(const GradcheckFn& f, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options) {
  // A tape of its own, so that the caller's records are neither used nor released.
  Tape tape;
  TapeScope scope(tape);
  std::vector<Tensor> xs;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].dtype() != float64)
      fail("gradcheck", "input ", i, " is ", dtype_name(inputs[i].dtype()),
           "; central differences need float64 inputs (use .to(tg::float64))");
    Tensor copy = inputs[i].detach().clone();  // a fresh leaf: the caller's grads stay untouched
    copy.requires_grad_(inputs[i].requires_grad());
    xs.push_back(copy);
  }

  // Backward: dL/dx for L = sum(w * f(x)).
  Tensor out = f(xs);
  Generator gen(options.seed);
  const Tensor w = randn(out.shape(), gen, float64);
  Tensor loss = sum(mul(out, w));
  if (loss.requires_grad()) loss.backward();

  auto L = [&]() {
    NoGradGuard no_grad;
    return sum(mul(f(xs), w)).item();
  };

  GradcheckResult result;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    if (!xs[i].requires_grad()) continue;
    const Tensor grad = xs[i].grad();
    double* x = xs[i].data<double>();
    for (std::int64_t k = 0; k < xs[i].numel(); ++k) {
      const double saved = x[k];
      x[k] = saved + options.eps;
      const double plus = L();
      x[k] = saved - options.eps;
      const double minus = L();
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
        m << "gradcheck: input " << i << " (shape " << to_string(xs[i].shape()) << "), element "
          << index_string(k, xs[i].shape()) << " (value " << saved << "): backward gave "
          << received << ", central differences expected " << expected << " (|difference| " << error
          << " > atol " << options.atol << " + rtol " << options.rtol << " * |expected|)";
        result.ok = false;
        result.message = m.str();
      }
    }
  }
  return result;
}

}  // namespace tg
