// layers/dropout.cpp — see dropout.hpp.
#include "layers/dropout.hpp"

#include "core/error.hpp"
#include "core/ops.hpp"

namespace tg::nn {

namespace {
void check_p(double p) {
  if (!(p >= 0 && p < 1)) fail("dropout", "p must be in [0, 1), got ", p);
}
}  // namespace

Tensor dropout_mask(const Shape& shape, double p, Generator& gen, DType dtype) {
  check_p(p);
  Tensor mask = zeros(shape, dtype);
  const double keep = 1.0 / (1.0 - p);
  dispatch(dtype, [&](auto zero) {
    using T = decltype(zero);
    T* m = mask.data<T>();
    for (std::int64_t i = 0; i < mask.numel(); ++i) m[i] = gen.uniform() < p ? T(0) : T(keep);
  });
  return mask;
}

Tensor dropout(const Tensor& x, double p, Generator& gen, bool training) {
  check_p(p);
  if (!training || p == 0) return x;
  return x * dropout_mask(x.shape(), p, gen, x.dtype());
}

Dropout::Dropout(double p, std::uint64_t seed)
    : p_(p), gen_(register_generator("generator", seed)) {
  check_p(p);
}

}  // namespace tg::nn
