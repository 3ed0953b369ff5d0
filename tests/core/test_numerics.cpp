// Numerics: every activation, norm, softmax and loss on inputs from +-1e-30 to +-1e30, and NaN
// caught by anomaly detection.
#include <cmath>
#include <functional>

#include "activations/activations.hpp"
#include "activations/glu.hpp"
#include "helpers.hpp"
#include "layers/norms.hpp"

using namespace tg;
using namespace tg::testing;

namespace {
std::vector<double> magnitudes() {
  std::vector<double> v;
  for (int e = -30; e <= 30; e += 3) {
    v.push_back(std::pow(10.0, e));
    v.push_back(-std::pow(10.0, e));
  }
  v.push_back(0.0);
  v.push_back(1.0);  // an even count: the gated functions split it in halves
  return v;
}

void require_finite(const Tensor& t, const char* what) {
  for (double v : t.to_vector()) {
    INFO(what);
    REQUIRE(std::isfinite(v));
  }
}
}  // namespace

TEST_CASE(
    "activations, softmax and cross-entropy stay finite from 1e-30 to 1e30, float32 and float64") {
  using Fn = std::function<Tensor(const Tensor&)>;
  const std::vector<std::pair<const char*, Fn>> fns = {
      {"relu", [](const Tensor& x) { return relu(x); }},
      {"leaky_relu", [](const Tensor& x) { return leaky_relu(x); }},
      {"sigmoid", [](const Tensor& x) { return sigmoid(x); }},
      {"tanh", [](const Tensor& x) { return tg::tanh(x); }},
      {"gelu", [](const Tensor& x) { return gelu(x); }},
      {"gelu_tanh", [](const Tensor& x) { return gelu(x, GeluApproximation::Tanh); }},
      {"silu", [](const Tensor& x) { return silu(x); }},
      {"swish learnable",
       [](const Tensor& x) { return swish(x, scalar(1.5, x.dtype()).requires_grad_()); }},
      {"softplus", [](const Tensor& x) { return softplus(x); }},
      {"swiglu", [](const Tensor& x) { return swiglu(x); }},
      {"geglu", [](const Tensor& x) { return geglu(x); }},
      {"glu", [](const Tensor& x) { return glu(x); }},
      {"softmax", [](const Tensor& x) { return softmax(x); }},
      {"log_softmax", [](const Tensor& x) { return log_softmax(x); }},
      {"cross_entropy",
       [](const Tensor& x) {
         return cross_entropy(x.reshape({1, x.numel()}), {3});
       }},
  };
  const std::vector<double> values = magnitudes();
  for (DType dtype : {float32, float64})
    for (const auto& [name, f] : fns) {
      CAPTURE(name);
      CAPTURE(dtype_name(dtype));
      Tensor x = tensor(values, {}, dtype);
      x.requires_grad_();
      const Tensor y = f(x);
      require_finite(y, "value");
      y.sum().backward();
      require_finite(x.grad(), "gradient");
    }
}

TEST_CASE("RMSNorm and LayerNorm stay finite from 1e-30 to 1e30 in float64") {
  // (In float32, x^2 overflows beyond |x| ~ 1e19: the norms' range there is narrower.)
  const std::vector<double> values = magnitudes();
  for (double scale : {1e-30, 1e-10, 1.0, 1e10, 1e30}) {
    CAPTURE(scale);
    std::vector<double> row;
    for (double v : {1.0, -2.0, 0.5, 3.0}) row.push_back(v * scale);
    Tensor x = tensor(row, {1, 4}, float64);
    x.requires_grad_();
    const Tensor w = ones({4}, float64);
    for (int which = 0; which < 2; ++which) {
      x.zero_grad();
      const Tensor y = which == 0 ? rms_norm(x, w, 1e-5) : nn::layer_norm(x, w, Tensor(), 1e-5);
      require_finite(y, "value");
      (y * tensor({1, 2, 3, 4}, {4}, float64)).sum().backward();
      require_finite(x.grad(), "gradient");
    }
  }
  (void)values;
}

TEST_CASE("NaN and inf in, NaN out: nothing hides a bad input") {
  CHECK(std::isnan(relu(scalar(NAN)).item()));
  CHECK(std::isnan(sigmoid(scalar(NAN)).item()));
  CHECK(sigmoid(scalar(INFINITY)).item() == 1.0);
  CHECK(sigmoid(scalar(-INFINITY)).item() == 0.0);
  CHECK(std::isnan(softmax(tensor({1, NAN, 2})).at({0})));
}

TEST_CASE("anomaly detection names the op that first produced a NaN") {
  set_anomaly_detection(true);
  Tensor x = tensor({1.0, -1.0, 4.0}, {}, float64).requires_grad_();
  CHECK(error_of([&] { log(x * 2.0); }) ==
        "anomaly: 'log' produced NaN in its output from finite inputs (input shapes (3,))");
  Tensor bad = tensor({1.0, NAN}, {}, float64).requires_grad_();
  CHECK(error_of([&] { exp(bad); }) ==
        "anomaly: 'exp' received NaN in an input of shape (2,): it came from outside the recorded "
        "ops "
        "(check the data)");
  // In backward: sqrt at 0 has an infinite derivative; times 0 gives NaN in the gradient.
  Tensor z = tensor({0.0, 4.0}, {}, float64).requires_grad_();
  const Tensor y = sqrt(z) * tensor({0.0, 1.0}, {}, float64);
  CHECK_ERROR_STARTS([&] { y.sum().backward(); },
                     "anomaly: the backward of 'sqrt' produced NaN in the gradient of an input of "
                     "shape (2,)");
  set_anomaly_detection(false);
  current_tape().clear();
  // Off (the default), nothing is checked.
  CHECK(std::isnan(log(scalar(-1.0)).item()));
}

TEST_CASE("anomaly detection turned on around backward() alone checks the backward pass") {
  // PyTorch's habit: the forward runs unchecked, detection is switched on for backward only.
  Tensor z = tensor({0.0, 4.0}, {}, float64).requires_grad_();
  const Tensor y = sqrt(z) * tensor({0.0, 1.0}, {}, float64);
  set_anomaly_detection(true);
  CHECK_ERROR_STARTS([&] { y.sum().backward(); },
                     "anomaly: the backward of 'sqrt' produced NaN in the gradient of an input of "
                     "shape (2,)");
  set_anomaly_detection(false);
  current_tape().clear();
  // And a forward recorded while it was on, differentiated after it is off, is not checked.
  set_anomaly_detection(true);
  Tensor w = tensor({0.0, 4.0}, {}, float64).requires_grad_();
  const Tensor v = (sqrt(w) * tensor({0.0, 1.0}, {}, float64)).sum();
  set_anomaly_detection(false);
  v.backward();
  CHECK(std::isnan(w.grad().at({0})));
  current_tape().clear();
  // A graph walked again with retain_graph is checked each time, its records wrapped once: the
  // record's backward is the checked one, not a checked one inside another.
  set_anomaly_detection(true);
  Tensor u = tensor({1.0, 4.0}, {}, float64).requires_grad_();
  const Tensor r = sqrt(u).sum();
  for (int pass = 0; pass < 3; ++pass) r.backward(Tensor(), true);
  CHECK(u.grad().at({1}) == doctest::Approx(3 * 0.25));
  set_anomaly_detection(false);
  const Record& sqrt_record = current_tape().records().front();
  CHECK(std::string(sqrt_record.op) == "sqrt");
  CHECK(anomaly::check_depth(sqrt_record.backward) == 1);
  current_tape().clear();
}
