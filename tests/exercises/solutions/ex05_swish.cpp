// Reference solution to ex05.
#include <cmath>

#include "exercises.hpp"

namespace ex {

Tensor swish(const Tensor& x, const Tensor& beta) {
  if (beta.numel() != 1) tg::fail("swish", "beta must have one element, got shape ", beta.shape());
  Tensor out = tg::zeros_like(x);
  const double b = beta.item();
  const std::vector<double> xs = x.to_vector();
  for (std::int64_t i = 0; i < x.numel(); ++i)
    out.data<double>()[i] = xs[i] / (1 + std::exp(-b * xs[i]));
  return tg::record("swish", {x, beta}, out, [x, beta, b, xs](const Tensor& g) {
    Tensor dx = tg::zeros_like(x);
    double dbeta = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) {
      const double s = 1 / (1 + std::exp(-b * xs[i])), gi = g.data<double>()[i];
      dx.data<double>()[i] = gi * (s + b * xs[i] * s * (1 - s));  // d/dx
      dbeta += gi * xs[i] * xs[i] * s * (1 - s);                  // d/dbeta, summed over x
    }
    tg::accumulate_grad(x, dx);
    tg::accumulate_grad(beta, tg::full(beta.shape(), dbeta, beta.dtype()));
  });
}

}  // namespace ex
