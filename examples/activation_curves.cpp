// examples/activation_curves.cpp — see activation_curves.hpp.
//
// The closed forms below are written independently of core/activation_math.hpp on purpose: they are
// the formulas of docs/activations.md, and the tape's derivatives are checked against them.
#include "activation_curves.hpp"

#include <cmath>
#include <functional>
#include <numbers>

#include "activations/activations.hpp"
#include "activations/glu.hpp"
#include "core/tapegrad.hpp"

namespace tg::curves {

namespace {

double sigma(double x) {
  return 1 / (1 + std::exp(-x));
}
double normal_cdf(double x) {
  return 0.5 * std::erfc(-x / std::numbers::sqrt2);
}
double normal_pdf(double x) {
  return std::exp(-x * x / 2) / std::sqrt(2 * std::numbers::pi);
}

// Values and backward derivatives of f over x, in float64.
Curve trace(const std::string& name, const std::vector<double>& x,
            const std::function<Tensor(const Tensor&)>& f,
            const std::function<double(double)>& closed_derivative) {
  Tensor t = tensor(x, {}, float64);
  t.requires_grad_();
  const Tensor y = f(t);
  y.sum().backward();  // d(sum y)/dx_i = dy_i/dx_i: the functions are elementwise
  Curve c{name, x, y.to_vector(), t.grad().to_vector(), {}};
  for (double v : x) c.dy_closed.push_back(closed_derivative(v));
  return c;
}

std::string beta_label(double beta) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "swish b=%g", beta);
  return buf;
}

}  // namespace

std::vector<double> grid(double lo, double hi, int points) {
  return linspace(lo, hi, points, float64).to_vector();
}

std::vector<Curve> activation_curves(const std::vector<double>& x,
                                     const std::vector<double>& betas) {
  std::vector<Curve> out;
  out.push_back(trace(
      "relu", x, [](const Tensor& t) { return relu(t); },
      [](double v) { return v > 0 ? 1.0 : 0.0; }));
  out.push_back(trace(
      "leaky_relu a=0.1", x, [](const Tensor& t) { return leaky_relu(t, 0.1); },
      [](double v) { return v > 0 ? 1.0 : 0.1; }));
  out.push_back(trace(
      "softplus", x, [](const Tensor& t) { return softplus(t); },
      [](double v) { return sigma(v); }));  // d/dx log(1 + e^x) = sigma(x)
  out.push_back(trace(
      "gelu", x, [](const Tensor& t) { return gelu(t); },
      [](double v) { return normal_cdf(v) + v * normal_pdf(v); }));  // Phi + x phi
  out.push_back(trace(
      "gelu tanh", x, [](const Tensor& t) { return gelu(t, GeluApproximation::Tanh); },
      [](double v) {
        const double k = std::sqrt(2 / std::numbers::pi),
                     th = std::tanh(k * (v + 0.044715 * v * v * v));
        return 0.5 * (1 + th) + 0.5 * v * (1 - th * th) * k * (1 + 3 * 0.044715 * v * v);
      }));
  for (double b : betas)
    out.push_back(trace(
        beta_label(b), x, [b](const Tensor& t) { return swish(t, b); },
        [b](double v) {
          const double s = sigma(b * v);
          return s + b * v * s * (1 - s);  // s + b x s (1 - s)
        }));
  out.push_back(trace(
      "sigmoid", x, [](const Tensor& t) { return sigmoid(t); },
      [](double v) { return sigma(v) * (1 - sigma(v)); }));
  out.push_back(trace(
      "tanh", x, [](const Tensor& t) { return tanh(t); },
      [](double v) { return 1 - std::tanh(v) * std::tanh(v); }));
  return out;
}

std::vector<Curve> glu_family_curves(const std::vector<double>& x) {
  // y = act(x) x, so dy/dx = act'(x) x + act(x): the same x feeds gate and value, and the
  // tape adds the two contributions.
  struct Member {
    GateActivation act;  // its name, gated_name(act), from core/activation_math.hpp's table
    std::function<double(double)> act_value, act_derivative;
  };
  const std::vector<Member> family = {
      {GateActivation::Sigmoid, sigma, [](double v) { return sigma(v) * (1 - sigma(v)); }},
      {GateActivation::Identity, [](double v) { return v; }, [](double) { return 1.0; }},
      {GateActivation::ReLU, [](double v) { return v > 0 ? v : 0.0; },
       [](double v) { return v > 0 ? 1.0 : 0.0; }},
      {GateActivation::GELU, [](double v) { return v * normal_cdf(v); },
       [](double v) { return normal_cdf(v) + v * normal_pdf(v); }},
      {GateActivation::Swish, [](double v) { return v * sigma(v); },
       [](double v) { return sigma(v) + v * sigma(v) * (1 - sigma(v)); }},
  };
  std::vector<Curve> out;
  for (const Member& m : family)
    out.push_back(trace(
        gated_name(m.act), x, [&m](const Tensor& t) { return gated(t, t, m.act); },
        [&m](double v) { return m.act_derivative(v) * v + m.act_value(v); }));
  return out;
}

}  // namespace tg::curves
