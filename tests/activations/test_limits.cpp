// The activations at +-inf: where a formula multiplies something unbounded by something that
// goes to 0 (x sigma(x) at -inf, x Phi(x), x phi(x)), IEEE arithmetic gives inf * 0 = NaN, but
// the limit exists and is what PyTorch users expect. Values and slopes, float32 and float64,
// through the plain ops, the learnable-beta swish, the gated (GLU-family) ops and the fused down
// projection. And softplus past its overflow point below a high threshold.
#include <cmath>
#include <functional>
#include <iomanip>
#include <limits>
#include <string>
#include <tuple>

#include "activations/activations.hpp"
#include "activations/glu.hpp"
#include "core/fast/activated_linear.hpp"
#include "helpers.hpp"

using namespace tg;
using namespace tg::testing;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

// f's values and slopes at (-inf, +inf), through the tape.
struct Ends {
  std::vector<double> value, slope;
};
Ends at_infinities(const std::function<Tensor(const Tensor&)>& f, DType dtype) {
  Tensor x = tensor({-kInf, kInf}, {2}, dtype);
  x.requires_grad_();
  const Tensor y = f(x);
  y.backward(ones({2}, dtype));
  return {y.to_vector(), x.grad().to_vector()};
}
void check_exact(const std::vector<double>& got, const std::vector<double>& expected) {
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("element " << i << ": got " << got[i] << ", expected " << expected[i]);
    CHECK(got[i] == expected[i]);
  }
}
}  // namespace

TEST_CASE("x g(x) activations have their limits at -inf and +inf, value and slope") {
  struct Case {
    const char* name;
    std::function<Tensor(const Tensor&)> f;
    std::vector<double> value, slope;
  };
  const std::vector<Case> cases = {
      {"silu", [](const Tensor& x) { return silu(x); }, {0, kInf}, {0, 1}},
      {"swish beta 2", [](const Tensor& x) { return swish(x, 2.0); }, {0, kInf}, {0, 1}},
      {"gelu", [](const Tensor& x) { return gelu(x); }, {0, kInf}, {0, 1}},
      {"gelu tanh",
       [](const Tensor& x) { return gelu(x, GeluApproximation::Tanh); },
       {0, kInf},
       {0, 1}},
      // already right before, kept as the reference for the kind
      {"sigmoid", [](const Tensor& x) { return sigmoid(x); }, {0, 1}, {0, 0}},
      {"tanh", [](const Tensor& x) { return tg::tanh(x); }, {-1, 1}, {0, 0}},
      {"relu", [](const Tensor& x) { return relu(x); }, {0, kInf}, {0, 1}},
      {"softplus", [](const Tensor& x) { return softplus(x); }, {0, kInf}, {0, 1}},
  };
  for (DType dtype : {float32, float64})
    for (const Case& c : cases) {
      CAPTURE(c.name);
      CAPTURE(dtype_name(dtype));
      const Ends e = at_infinities(c.f, dtype);
      check_exact(e.value, c.value);
      check_exact(e.slope, c.slope);
    }
}

TEST_CASE("swish with a learnable beta at -inf and +inf: value, dx and dbeta are the limits") {
  for (DType dtype : {float32, float64}) {
    CAPTURE(dtype_name(dtype));
    Tensor beta = scalar(1.0, dtype);
    beta.requires_grad_();
    const Ends e = at_infinities([&](const Tensor& x) { return swish(x, beta); }, dtype);
    check_exact(e.value, {0, kInf});
    check_exact(e.slope, {0, 1});
    check_exact(beta.grad().to_vector(), {0});  // x^2 s (1 - s) -> 0 at both ends
  }
}

TEST_CASE("gated ops with gate -inf or +inf and value 1: limits, and zero gradients where 0") {
  // act(gate) at (-inf, +inf) and act'(gate) there, per activation.
  struct Case {
    GateActivation act;
    std::vector<double> value, slope;
  };
  const std::vector<Case> cases = {{GateActivation::Swish, {0, kInf}, {0, 1}},
                                   {GateActivation::GELU, {0, kInf}, {0, 1}},
                                   {GateActivation::ReLU, {0, kInf}, {0, 1}},
                                   {GateActivation::Sigmoid, {0, 1}, {0, 0}}};
  for (DType dtype : {float32, float64})
    for (const Case& c : cases) {
      CAPTURE(gate_activation_name(c.act));
      CAPTURE(dtype_name(dtype));
      Tensor gate = tensor({-kInf, kInf}, {2}, dtype), value = ones({2}, dtype);
      gate.requires_grad_();
      value.requires_grad_();
      const Tensor y = gated(gate, value, c.act);
      y.backward(ones({2}, dtype));
      check_exact(y.to_vector(), c.value);
      check_exact(gate.grad().to_vector(), c.slope);   // g value act'(gate)
      check_exact(value.grad().to_vector(), c.value);  // g act(gate)
      // the same through the halves form (swiglu's): x = [value | gate]
      Tensor x = tensor({1, 1, -kInf, kInf}, {1, 4}, dtype);
      x.requires_grad_();
      const Tensor z = gated_halves(x, c.act);
      z.backward(ones({1, 2}, dtype));
      check_exact(z.to_vector(), c.value);
      check_exact(x.grad().to_vector(), {c.value[0], c.value[1], c.slope[0], c.slope[1]});
    }
}

TEST_CASE(
    "swiglu with value 1 and gate -inf gives 0 with zero gradients, in the fused FFN op too") {
  for (DType dtype : {float32, float64}) {
    CAPTURE(dtype_name(dtype));
    Tensor x = tensor({1, -kInf}, {1, 2}, dtype);
    x.requires_grad_();
    const Tensor y = swiglu(x);
    y.backward(ones({1, 1}, dtype));
    check_exact(y.to_vector(), {0});
    check_exact(x.grad().to_vector(), {0, 0});
    // fast::activated_linear(a, b, W) = linear(silu(a) * b, W): a = -inf, b = 1, W = 1
    Tensor a = tensor({-kInf}, {1, 1}, dtype), b = ones({1, 1}, dtype), w = ones({1, 1}, dtype);
    a.requires_grad_();
    b.requires_grad_();
    w.requires_grad_();
    const Tensor out = fast::activated_linear(a, b, w, Tensor(), GateActivation::Swish);
    out.backward(ones({1, 1}, dtype));
    check_exact(out.to_vector(), {0});
    check_exact(a.grad().to_vector(), {0});
    check_exact(b.grad().to_vector(), {0});
    check_exact(w.grad().to_vector(), {0});
  }
}

TEST_CASE("softplus does not overflow below a high threshold: softplus(95, threshold 100) = 95") {
  for (DType dtype : {float32, float64}) {
    CAPTURE(dtype_name(dtype));
    for (double x : {95.0, 89.0, 700.0}) {
      CAPTURE(x);
      Tensor t = tensor({x}, {1}, dtype);
      t.requires_grad_();
      const Tensor y = softplus(t, 1.0, 1000.0);
      y.backward(ones({1}, dtype));
      CHECK(y.item() == doctest::Approx(x).epsilon(1e-7));
      CHECK(t.grad().item() == 1.0);
    }
    // with beta: softplus(x, beta 2) = log(1 + e^(2x)) / 2 -> x for large x
    CHECK(softplus(tensor({60.0}, {1}, dtype), 2.0, 1000.0).item() ==
          doctest::Approx(60.0).epsilon(1e-7));
    // and far left it is e^(beta x) / beta, small and positive, not 0 - 0
    CHECK(softplus(tensor({-20.0}, {1}, dtype), 1.0, 100.0).item() ==
          doctest::Approx(std::exp(-20.0)).epsilon(1e-6));
  }
}

TEST_CASE(
    "every activation in float32 keeps its relative accuracy in both tails, value and slope") {
  // A float32 formula that subtracts nearly equal numbers in a tail loses its digits there while
  // its float64 twin does not: GELU's tanh form, x (1 + tanh u) / 2, was 30% off at x = -5
  // (1 + tanh u cancels), and 1 - tanh^2 or s (1 - s) kept three digits past |x| = 5 (issue 25).
  // Each is written in a form that does not cancel (core/activation_math.hpp, and the fast floor's
  // core/fast/fast_math.hpp and gate_kernels.hpp, which the gated ops below run under --fast),
  // and here every activation's float32 value and slope, through the tape, must equal the float64
  // result rounded, over -30..30 and out to float's largest value. The tolerance is 2.4e-7 (2 ulp)
  // times (8 + |z|) relative, z the exponent of e in the tail (x for sigmoid and SiLU, 2x for
  // tanh, 2 beta x for swish, x^2 / 2 for GELU, 2u ~ 1.6 |x| + 0.07 |x|^3 for its tanh form): z is
  // itself rounded in float32, which costs |z| ulp of e^z, and nothing done in float32 avoids
  // that. The cancellation cost far more (30% is 2.5 million ulp). Below float's smallest normal
  // number (1.2e-38) float32 keeps fewer digits, so the comparison is absolute there (1e-41; the
  // float64 fast GELU's 1 + erf cancelled to 0 there, and this found it). And near a root
  // of a slope (GELU's at x = -0.75, SiLU's at -1.28, all with |x| < 2, not in a tail) the slope
  // is the difference of two terms of about 0.2, which float32 holds to their ulp: 1e-7 absolute.
  const double big = std::numeric_limits<float>::max();
  std::vector<double> points;
  for (int i = -600; i <= 600; ++i) points.push_back(i * 0.05);
  for (double x : {1e2, 1e4, 1e10, 1e19, 1e30, big}) {
    points.push_back(x);
    points.push_back(-x);
  }
  const auto n = static_cast<std::int64_t>(points.size());
  auto linear = [](double k) { return [k](double x) { return k * std::abs(x); }; };
  struct Case {
    const char* name;
    std::function<Tensor(const Tensor&)> f;
    std::function<double(double)> exponent;  // |z| at x
  };
  auto gate = [](GateActivation act) {  // act(x) * 1 through the gated op (the fast kernels)
    return [act](const Tensor& x) { return gated(x, ones(x.shape(), x.dtype()), act); };
  };
  const std::vector<Case> cases = {
      {"gelu tanh", [](const Tensor& x) { return gelu(x, GeluApproximation::Tanh); },
       [](double x) { return 1.6 * std::abs(x) + 0.072 * std::abs(x * x * x); }},
      {"gelu", [](const Tensor& x) { return gelu(x); }, [](double x) { return x * x / 2; }},
      {"silu", [](const Tensor& x) { return silu(x); }, linear(1)},
      {"swish beta 2", [](const Tensor& x) { return swish(x, 2.0); }, linear(2)},
      {"sigmoid", [](const Tensor& x) { return sigmoid(x); }, linear(1)},
      {"tanh", [](const Tensor& x) { return tg::tanh(x); }, linear(2)},
      {"softplus", [](const Tensor& x) { return softplus(x); }, linear(1)},
      {"gated sigmoid", gate(GateActivation::Sigmoid), linear(1)},
      {"gated swish", gate(GateActivation::Swish), linear(1)},
      {"gated gelu", gate(GateActivation::GELU), [](double x) { return x * x / 2; }},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    std::vector<double> value[2], slope[2];
    for (int d = 0; d < 2; ++d) {
      Tensor x = tensor(points, {n}, d == 0 ? float32 : float64);
      x.requires_grad_();
      const Tensor y = c.f(x);
      y.backward(ones({n}, x.dtype()));
      value[d] = y.to_vector();
      slope[d] = x.grad().to_vector();
    }
    int faults = 0;
    for (std::size_t i = 0; i < points.size(); ++i)
      for (auto [got, want, what] : {std::tuple{value[0][i], value[1][i], "value"},
                                     std::tuple{slope[0][i], slope[1][i], "slope"}}) {
        const double x = points[i];
        const double expected = static_cast<float>(want);  // the float64 result, rounded
        const double tolerance = 2.4e-7 * (8 + std::min(c.exponent(x), 1e4)) * std::abs(expected);
        const bool ok = got == expected || std::abs(got - expected) <= tolerance ||
                        (std::abs(expected) < 1.2e-38 && std::abs(got - expected) < 1e-41) ||
                        (std::abs(x) < 2 && std::abs(got - expected) < 1e-7);
        if (!ok && faults++ < 5)
          FAIL_CHECK(std::string(c.name)
                     << " " << std::string(what) << " at x = " << x << ": float32 gives "
                     << std::setprecision(9) << got << ", float64 gives " << want);
      }
    CHECK(faults == 0);
  }
}
