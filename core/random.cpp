// core/random.cpp — see random.hpp.
#include "core/random.hpp"

#include <cmath>
#include <cstdlib>
#include <numbers>
#include <sstream>

#include "core/error.hpp"

namespace tg {

double Generator::uniform() {
  return static_cast<double>(bits_() >> 11) * 0x1.0p-53;
}

double Generator::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  const double u1 = 1.0 - uniform();  // in (0, 1]: log(u1) is finite
  const double u2 = uniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double theta = 2.0 * std::numbers::pi * u2;
  spare_ = r * std::sin(theta);
  has_spare_ = true;
  return r * std::cos(theta);
}

std::int64_t Generator::integer(std::int64_t n) {
  if (n <= 0) fail("Generator::integer", "needs n > 0, got ", n);
  // Rejection sampling avoids the bias of `bits % n` when n does not divide 2^64.
  const std::uint64_t range = static_cast<std::uint64_t>(n);
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % range;
  std::uint64_t x;
  do x = bits_();
  while (x >= limit);
  return static_cast<std::int64_t>(x % range);
}

std::string Generator::state() const {
  std::ostringstream out;
  out << bits_ << ' ' << (has_spare_ ? 1 : 0) << ' ' << std::hexfloat << spare_;
  return out.str();
}

void Generator::set_state(const std::string& text) {
  std::istringstream in(text);
  std::mt19937_64 bits;
  int has_spare = -1;
  std::string spare_text, rest;
  in >> bits >> has_spare >> spare_text;
  // std::hexfloat output is read back with strtod (operator>> does not parse hex floats).
  char* end = nullptr;
  const double spare = std::strtod(spare_text.c_str(), &end);
  if (!in || (has_spare != 0 && has_spare != 1) || spare_text.empty() ||
      end != spare_text.c_str() + spare_text.size() || !std::isfinite(spare) || (in >> rest))
    fail("Generator::set_state", "not a generator state (", text.size(), " characters)");
  bits_ = bits;
  has_spare_ = has_spare == 1;
  spare_ = spare;
}

namespace {
template <class Draw>
Tensor fill_with(const char* op, const Shape& shape, DType dtype, Draw draw) {
  Tensor out = empty(shape, dtype, op);  // every element is drawn below
  dispatch(dtype, [&](auto zero) {
    using T = decltype(zero);
    T* p = out.data<T>();
    for (std::int64_t i = 0; i < out.numel(); ++i) p[i] = static_cast<T>(draw());
  });
  return out;
}

// U[lo, hi) in the tensor's own type: a double just below hi can round up to hi in float32
// (1 - 2^-53 becomes 1.0f), so such a draw is moved to the largest value below hi.
Tensor uniform_in(const char* op, const Shape& shape, double lo, double hi, Generator& gen,
                  DType dtype) {
  Tensor out = fill_with(op, shape, dtype, [&] { return lo + (hi - lo) * gen.uniform(); });
  dispatch(dtype, [&](auto zero) {
    using T = decltype(zero);
    T* p = out.data<T>();
    for (std::int64_t i = 0; i < out.numel(); ++i)
      if (p[i] >= T(hi) && lo < hi) p[i] = std::nextafter(T(hi), T(lo));
  });
  return out;
}
}  // namespace

Tensor rand(const Shape& shape, Generator& gen, DType dtype) {
  return uniform_in("rand", shape, 0.0, 1.0, gen, dtype);
}

Tensor randn(const Shape& shape, Generator& gen, DType dtype) {
  return fill_with("randn", shape, dtype, [&] { return gen.normal(); });
}

Tensor uniform(const Shape& shape, double lo, double hi, Generator& gen, DType dtype) {
  if (!(lo <= hi)) fail("uniform", "needs lo <= hi, got lo=", lo, " hi=", hi);
  return uniform_in("uniform", shape, lo, hi, gen, dtype);
}

}  // namespace tg
