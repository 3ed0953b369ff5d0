// Reference solution to ex07.
#include <cmath>

#include "exercises.hpp"

namespace ex {

SwiGLUGrads swiglu_backward(const Tensor& gate, const Tensor& value, const Tensor& grad_out) {
  SwiGLUGrads out{tg::zeros_like(gate), tg::zeros_like(value)};
  const std::vector<double> a = gate.to_vector(), v = value.to_vector(), g = grad_out.to_vector();
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double s = 1 / (1 + std::exp(-a[i]));
    out.dvalue.data<double>()[i] = g[i] * a[i] * s;                        // silu(a)
    out.dgate.data<double>()[i] = g[i] * v[i] * (s + a[i] * s * (1 - s));  // silu'(a)
  }
  return out;
}

}  // namespace ex
