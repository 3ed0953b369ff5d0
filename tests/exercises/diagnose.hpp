// tests/exercises/diagnose.hpp — says what is wrong with a learner's result, in words.
//
// A check that only prints "CHECK( false )", or two numbers rounded to 6 digits that look equal,
// teaches nothing. diagnose() compares a result with the expected one and, when they differ,
// names the piece and the tensor, the first element that differs (by its coordinates), both
// values with 17 significant digits, and the likely cause when the pattern shows it:
//   "ex08 cross_entropy: dlogits differs at (0, 0): yours -0.5, expected -0.25 (every element
//    is 2x the expected: a missing 1/2?)"
// Header-only and STL-only, so that every check can use it.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace ex {

inline std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string s = "(";
  for (std::size_t k = 0; k < shape.size(); ++k) s += (k ? ", " : "") + std::to_string(shape[k]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

inline std::string number_text(double v) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

// The coordinates of flat index i in a row-major shape.
inline std::string coordinates(const std::vector<std::int64_t>& shape, std::int64_t i) {
  std::vector<std::int64_t> at(shape.size());
  for (std::size_t k = shape.size(); k-- > 0;) {
    at[k] = shape[k] > 0 ? i % shape[k] : 0;
    i = shape[k] > 0 ? i / shape[k] : 0;
  }
  return shape_text(at);
}

// The likely cause, from the pattern of the whole result against the expected one; "" if none
// shows.
inline std::string likely_cause(const std::vector<std::int64_t>& shape,
                                const std::vector<double>& got, const std::vector<double>& want,
                                double tol) {
  bool all_zero = true;
  for (double v : got) all_zero = all_zero && v == 0;
  if (all_zero) return "every element is 0: was anything accumulated?";
  // One ratio for every element the expected is not ~0 at: a factor left out or put in twice.
  double ratio = 0;
  bool constant = true;
  int seen = 0;
  for (std::size_t i = 0; i < got.size() && constant; ++i) {
    if (std::abs(want[i]) <= tol) {
      constant = std::abs(got[i]) <= tol * 1e3;
      continue;
    }
    const double r = got[i] / want[i];
    if (seen++ == 0) ratio = r;
    constant = std::abs(r - ratio) <= 1e-6 * std::abs(ratio);
  }
  if (constant && seen > 1) {  // one element alone shows no pattern
    if (std::abs(ratio + 1) < 1e-9) return "every element has the wrong sign";
    const double big = std::abs(ratio) >= 1 ? ratio : 1 / ratio;
    const double n = std::round(std::abs(big));
    const std::string times = number_text(n) + "x";
    if (n >= 2 && std::abs(std::abs(big) - n) < 1e-6 * n)
      return std::abs(ratio) > 1 ? "every element is " + times + " the expected: a missing 1/" +
                                       number_text(n) + "?"
                                 : "every element is " + times +
                                       " smaller than expected: divided by " + number_text(n) +
                                       " once too often?";
    if (std::abs(ratio - 1) > 1e-9)
      return "every element is " + number_text(ratio) +
             " times the expected: a constant factor, or the incoming gradient g, left out or "
             "put in twice?";
  }
  // A square matrix (or a batch of them) that equals the expected one transposed.
  if (shape.size() >= 2 && shape[shape.size() - 1] == shape[shape.size() - 2]) {
    const std::int64_t n = shape.back(), block = n * n;
    bool transposed = true;
    for (std::size_t i = 0; i < got.size() && transposed; ++i) {
      const std::int64_t b = static_cast<std::int64_t>(i) / block,
                         r = (static_cast<std::int64_t>(i) % block) / n, c = static_cast<std::int64_t>(i) % n;
      transposed = std::abs(got[i] - want[static_cast<std::size_t>(b * block + c * n + r)]) <= tol;
    }
    if (transposed) return "it is the expected result transposed";
  }
  return "";
}

// "" when got equals want within tol (|got - want| <= tol (1 + |want|)), else the diagnosis.
inline std::string diagnose(const std::string& piece, const std::string& tensor,
                            const std::vector<std::int64_t>& got_shape,
                            const std::vector<double>& got,
                            const std::vector<std::int64_t>& want_shape,
                            const std::vector<double>& want, double tol) {
  if (got_shape != want_shape) {
    std::string why;
    std::vector<std::int64_t> reversed(got_shape.rbegin(), got_shape.rend());
    std::vector<std::int64_t> squeezed_got, squeezed_want;
    for (std::int64_t s : got_shape)
      if (s != 1) squeezed_got.push_back(s);
    for (std::int64_t s : want_shape)
      if (s != 1) squeezed_want.push_back(s);
    bool kept_ones = got_shape.size() == want_shape.size();  // sizes equal, or 1 expected
    for (std::size_t k = 0; kept_ones && k < got_shape.size(); ++k)
      kept_ones = got_shape[k] == want_shape[k] || want_shape[k] == 1;
    if (got_shape.size() == 2 && reversed == want_shape)
      why = ": transposed?";
    else if (kept_ones)
      why = ": an axis of size 1 in the expected shape was not summed over?";
    else if (squeezed_got == squeezed_want)
      why = got_shape.size() > want_shape.size() ? ": size-1 axes left in?"
                                                 : ": size-1 axes dropped?";
    return piece + ": " + tensor + " has shape " + shape_text(got_shape) + ", expected " +
           shape_text(want_shape) + why;
  }
  for (std::size_t i = 0; i < got.size(); ++i) {
    const bool close = std::abs(got[i] - want[i]) <= tol * (1 + std::abs(want[i]));
    if (close) continue;
    std::string message = piece + ": " + tensor + " differs at " +
                          coordinates(got_shape, static_cast<std::int64_t>(i)) + ": yours " +
                          number_text(got[i]) + ", expected " + number_text(want[i]);
    const std::string cause = likely_cause(got_shape, got, want, tol);
    return cause.empty() ? message : message + " (" + cause + ")";
  }
  return "";
}

}  // namespace ex
