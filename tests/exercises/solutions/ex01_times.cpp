// Reference solution to ex01 (see docs/exercises.md).
#include "exercises.hpp"

namespace ex {

Tensor times(const Tensor& a, const Tensor& b) {
  if (a.shape() != b.shape()) tg::fail("times", "shapes differ: ", a.shape(), " and ", b.shape());
  Tensor out;
  {
    tg::NoGradGuard no_grad;  // the forward value only; the record below is the op's own
    out = a.detach() * b.detach();
  }
  return tg::record("times", {a, b}, out, [a, b](const Tensor& g) {
    tg::accumulate_grad(a, g * b);  // d(ab)/da = b
    tg::accumulate_grad(b, g * a);  // d(ab)/db = a
  });
}

}  // namespace ex
