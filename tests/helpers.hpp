// tests/helpers.hpp — what the test files share: gradient checks that print readable failures,
// element-wise comparison of a tensor with expected values, checks on error messages that say
// what they got, and the way doctest prints a Shape and a DType.
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "core/tapegrad.hpp"

// A failed CHECK(a.shape() == b.shape()) prints "(2,3) == (3,2)", not "{?} == {?}", and
// CHECK(t.dtype() == float32) prints "float64 == float32", not "1 == 0". doctest prints an enum
// as its number without looking at StringMaker, so DType gets a toString of its own, which
// doctest finds by argument-dependent lookup.
namespace doctest {
template <>
struct StringMaker<tg::Shape> {
  static String convert(const tg::Shape& shape) { return tg::to_string(shape).c_str(); }
};
}  // namespace doctest

namespace tg {
inline doctest::String toString(DType dtype) {
  return dtype_name(dtype);
}
}  // namespace tg

namespace tg::testing {

// Fails the test with gradcheck's message (input, element, received, expected) on a mismatch.
inline void check_gradients(const GradcheckFn& f, const std::vector<Tensor>& inputs,
                            const GradcheckOptions& options = {}) {
  const GradcheckResult r = gradcheck(f, inputs, options);
  INFO(r.message);
  CHECK(r.ok);
  CHECK(r.checked > 0);  // a check that compared nothing would pass vacuously
}

// The same for a layer: f uses `params` (parameters, and inputs that require grad) directly.
inline void check_param_gradients(const std::function<Tensor()>& f,
                                  const std::vector<Tensor>& params,
                                  const GradcheckOptions& options = {}) {
  const GradcheckResult r = gradcheck_params(f, params, options);
  INFO(r.message);
  CHECK(r.ok);
  CHECK(r.checked > 0);
}

// The same one order up (gradgradcheck, docs/higher-order.md): the double backward of f, and of a
// layer reading `params`, against central differences of the gradient.
inline void check_second_order(const GradcheckFn& f, const std::vector<Tensor>& inputs) {
  const GradcheckResult r = gradgradcheck(f, inputs);
  INFO(r.message);
  CHECK(r.ok);
  CHECK(r.checked > 0);
}
inline void check_second_order_params(const std::function<Tensor()>& f,
                                      const std::vector<Tensor>& params) {
  const GradcheckResult r = gradgradcheck_params(f, params);
  INFO(r.message);
  CHECK(r.ok);
  CHECK(r.checked > 0);
}

// All parameters of a module, plus extra tensors (inputs) to check.
template <class M>
std::vector<Tensor> params_and(const M& module, std::vector<Tensor> extra) {
  std::vector<Tensor> all = module.parameters();
  all.insert(all.end(), extra.begin(), extra.end());
  return all;
}

// The temporary files an atomic write left beside `path` (core/formats/file_io.hpp's
// temporary_name: `path`.tmp.PID.N): none, after a write that succeeded or failed.
inline int leftover_temporaries(const std::string& path) {
  const std::filesystem::path p(path);
  const std::string prefix = p.filename().string() + ".tmp";
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(p.parent_path()))
    n += entry.path().filename().string().rfind(prefix, 0) == 0;
  return n;
}

// A float64 leaf requiring grad, from values.
inline Tensor var(const std::vector<double>& values, const Shape& shape = {}) {
  Tensor t = tensor(values, shape, float64);
  t.requires_grad_();
  return t;
}

// A float64 leaf requiring grad with N(0,1) entries, shifted by `offset` (to stay off kinks).
inline Tensor random_var(const Shape& shape, std::uint64_t seed, double offset = 0.0) {
  Generator gen(seed);
  Tensor t = randn(shape, gen, float64);
  if (offset != 0.0) add_(t, scalar(offset, float64));
  t.requires_grad_();
  return t;
}

// Compares numbers element by element, llm.c style. A named comparison prints its verdict on
// its own line, whether it passes or not:
//   OK dq (20 elements, max diff 2.2e-16)
//   NOT OK dk (3 of 20 elements differ by more than 1e-12, max diff 0.41)
// and a failure's message names the tensor and shows the first few (at most 5) elements that
// differ, yours beside the expected value, with their index. `shape` (optional) turns flat
// indices into coordinates: dk[2,1].
namespace detail {
inline std::string index_name(std::size_t flat, const Shape& shape) {
  if (shape.empty()) return "[" + std::to_string(flat) + "]";
  std::vector<std::int64_t> coords(shape.size());
  for (std::size_t k = shape.size(); k-- > 0;) {
    coords[k] = static_cast<std::int64_t>(flat) % shape[k];
    flat /= static_cast<std::size_t>(shape[k]);
  }
  std::string out = "[";
  for (std::size_t k = 0; k < coords.size(); ++k) out += (k ? "," : "") + std::to_string(coords[k]);
  return out + "]";
}
}  // namespace detail

inline void check_close(const std::string& name, const std::vector<double>& got,
                        const std::vector<double>& expected, double tol = 1e-6,
                        const Shape& shape = {}, bool print_verdict = true) {
  if (got.size() != expected.size()) {
    if (print_verdict)
      std::cout << "NOT OK " << name << " (" << got.size() << " elements, expected "
                << expected.size() << ")\n";
    FAIL_CHECK(name << ": " << got.size() << " elements, expected " << expected.size());
    return;
  }
  const bool use_shape = !shape.empty() && static_cast<std::size_t>(numel(shape)) == got.size();
  std::size_t differ = 0;
  double max_diff = 0;
  std::ostringstream firsts;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const double diff = std::abs(got[i] - expected[i]);
    if (!(diff <= tol)) {  // also true when either value is NaN
      if (differ < 5)
        firsts << "\n  " << name << detail::index_name(i, use_shape ? shape : Shape{}) << ": yours "
               << got[i] << ", expected " << expected[i];
      ++differ;
    }
    if (!(diff <= max_diff)) max_diff = diff;  // NaN wins, so a NaN shows as max diff nan
  }
  std::ostringstream verdict;
  verdict.precision(2);
  if (differ == 0)
    verdict << "OK " << name << " (" << got.size() << (got.size() == 1 ? " element" : " elements")
            << ", max diff " << max_diff << ")";
  else
    verdict << "NOT OK " << name << " (" << differ << " of " << got.size()
            << " elements differ by more than " << tol << ", max diff " << max_diff << ")";
  if (print_verdict) std::cout << verdict.str() << "\n";
  const std::string message = verdict.str() +
                              (differ == 0  ? ""
                               : differ > 5 ? "; the first 5:"
                                            : ":") +
                              firsts.str();
  INFO(message);
  CHECK(differ == 0);
}

// A tensor against expected values; the name says which tensor (dq, dweight, ...).
inline void check_values(const std::string& name, const Tensor& t,
                         const std::vector<double>& expected, double tol = 1e-6) {
  check_close(name, t.to_vector(), expected, tol, t.shape());
}
// A tensor against a tensor of the same shape (a shape mismatch is reported first).
inline void check_values(const std::string& name, const Tensor& t, const Tensor& expected,
                         double tol = 1e-6) {
  if (t.shape() != expected.shape()) {
    std::cout << "NOT OK " << name << " (shape " << to_string(t.shape()) << ", expected "
              << to_string(expected.shape()) << ")\n";
    FAIL_CHECK(name << ": shape " << to_string(t.shape()) << ", expected "
                    << to_string(expected.shape()));
    return;
  }
  check_close(name, t.to_vector(), expected.to_vector(), tol, t.shape());
}
// The unnamed form the core tests use: quiet when it passes.
inline void check_values(const Tensor& t, const std::vector<double>& expected, double tol = 1e-6) {
  check_close("values", t.to_vector(), expected, tol, t.shape(), /*print_verdict=*/false);
}

// The message of the tg::Error that `fn` throws ("" if it throws none), for checks of the whole
// message: CHECK(error_of(fn) == "...") prints both messages when they differ.
template <class Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// What running `fn` came to: whether it threw a tg::Error, and the error's message.
struct Thrown {
  bool thrown = false;
  std::string message;
};

template <class Fn>
Thrown thrown_by(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return {true, e.what()};
  }
  return {};
}

// Checks on part of an error message that say what they got, where a bare
// CHECK(error_of(fn).find("...") != std::string::npos) prints two copies of npos:
//
//   CHECK_ERROR(fn, "text")              fn throws a tg::Error whose message contains "text"
//   CHECK_ERROR(fn, "one", "two")        ... contains each of the texts
//   CHECK_ERROR_STARTS(fn, "text")       ... whose message begins with "text"
//   REQUIRE_ERROR, REQUIRE_ERROR_STARTS  the same, stopping the test case on a failure
//
// `fn` is a lambda, run once, or a Thrown that thrown_by (or a file's own catcher) already
// caught. A failure is reported at the test's own line with both sides:
//
//   test_matmul.cpp:61: ERROR: CHECK( error_message_as_expected ) is NOT correct!
//     values: CHECK( false )
//     logged: expected an error starting with: "matmul: needs 3 dims"
//             got: "matmul: needs at least 2 dims on both sides, got (3,) @ (3,4); reshape a ..."
//
// and "got: no error was thrown" when there was none.
namespace detail {
struct ErrorCheck {
  bool passed = false;
  std::string report;
};

template <class Source, class... Texts>
ErrorCheck check_error(bool starts, Source&& source, const Texts&... texts) {
  static_assert(sizeof...(Texts) > 0, "CHECK_ERROR: give the text the message must hold");
  Thrown got;
  if constexpr (std::is_same_v<std::decay_t<Source>, Thrown>)
    got = source;
  else
    got = thrown_by(source);
  ErrorCheck check{got.thrown, ""};
  const char* intro =
      starts ? "expected an error starting with: \"" : "expected an error containing: \"";
  for (const std::string& text : {std::string(texts)...}) {
    const std::size_t at = got.message.find(text);
    check.passed = check.passed && (starts ? at == 0 : at != std::string::npos);
    check.report += intro + text + "\"\n          ";  // lines up under doctest's "  logged: "
    intro = starts ? "and starting with: \"" : "and containing: \"";
  }
  check.report += got.thrown ? "got: \"" + got.message + "\"" : "got: no error was thrown";
  return check;
}
}  // namespace detail

#define TG_CHECK_ERROR_WITH_(ASSERT, starts, ...)                  \
  do {                                                             \
    const ::tg::testing::detail::ErrorCheck tg_error_check_ =      \
        ::tg::testing::detail::check_error(starts, __VA_ARGS__);   \
    const bool error_message_as_expected = tg_error_check_.passed; \
    ASSERT(error_message_as_expected, tg_error_check_.report);     \
  } while (false)

#define CHECK_ERROR(...) TG_CHECK_ERROR_WITH_(CHECK_MESSAGE, false, __VA_ARGS__)
#define CHECK_ERROR_STARTS(...) TG_CHECK_ERROR_WITH_(CHECK_MESSAGE, true, __VA_ARGS__)
#define REQUIRE_ERROR(...) TG_CHECK_ERROR_WITH_(REQUIRE_MESSAGE, false, __VA_ARGS__)
#define REQUIRE_ERROR_STARTS(...) TG_CHECK_ERROR_WITH_(REQUIRE_MESSAGE, true, __VA_ARGS__)

}  // namespace tg::testing
