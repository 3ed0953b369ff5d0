// layers/linear.cpp — see linear.hpp.
#include "layers/linear.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/ops.hpp"

namespace tg::nn {

Linear::Linear(std::int64_t in, std::int64_t out, Generator& gen, bool has_bias, DType dtype) {
  if (in <= 0 || out <= 0) fail("Linear", "needs positive sizes, got in=", in, " out=", out);
  const double k = 1.0 / std::sqrt(static_cast<double>(in));
  weight = register_parameter("weight", uniform({out, in}, -k, k, gen, dtype));
  if (has_bias) bias = register_parameter("bias", uniform({out}, -k, k, gen, dtype));
}

Tensor Linear::forward(const Tensor& x) const {
  return linear(x, weight, bias);
}

}  // namespace tg::nn
