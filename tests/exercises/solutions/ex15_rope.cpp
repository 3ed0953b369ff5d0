// Reference solution to ex15.
#include "exercises.hpp"

namespace ex {

namespace {
// Rotates every pair (v[t, i], v[t, i + hd/2]) by the angle with cosine cos[t, i] and sine
// sign * sin[t, i]: sign = +1 is the forward rotation, -1 its inverse.
Tensor rotate_pairs(const Tensor& v, const Tensor& cos, const Tensor& sin, double sign) {
  const std::int64_t T = v.size(0), hd = v.size(1), h = hd / 2;
  const std::vector<double> x = v.to_vector(), c = cos.to_vector(), s = sin.to_vector();
  std::vector<double> out(x.size());
  for (std::int64_t t = 0; t < T; ++t)
    for (std::int64_t i = 0; i < h; ++i) {
      const std::int64_t a = t * hd + i, b = a + h;  // the pair's two features
      const double ct = c[a], st = sign * s[a];
      out[a] = x[a] * ct - x[b] * st;
      out[b] = x[a] * st + x[b] * ct;
    }
  return tg::tensor(out, {T, hd}, tg::float64);
}
}  // namespace

Tensor rope_forward(const Tensor& x, const Tensor& cos, const Tensor& sin) {
  return rotate_pairs(x, cos, sin, +1);
}

Tensor rope_backward(const Tensor& grad_out, const Tensor& cos, const Tensor& sin) {
  // The Jacobian of a rotation R is R itself, so dx = R^T g, and R^T is the rotation by -angle.
  return rotate_pairs(grad_out, cos, sin, -1);
}

}  // namespace ex
