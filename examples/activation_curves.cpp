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

// Values, first and second derivatives of f over x by the tape, in float64, beside the closed
// forms. The functions are elementwise, so d(sum y)/dx_i = f'(x_i), and d(sum f')/dx_i = f''(x_i).
Curve trace(const std::string& name, const std::vector<double>& x,
            const std::function<Tensor(const Tensor&)>& f,
            const std::function<double(double)>& closed_derivative,
            const std::function<double(double)>& closed_second) {
  Tensor t = tensor(x, {}, float64);
  t.requires_grad_();
  const Tensor y = f(t);
  y.sum().backward({}, /*retain_graph=*/true);
  Curve c{name, x, y.to_vector(), t.grad().to_vector(), {}, {}, {}};
  // The same first derivative again, this time with its backward pass recorded: it has a
  // history, and differentiating it gives f''.
  const Tensor slope = grad({y.sum()}, {t}, {}, /*create_graph=*/true)[0];
  c.d2y_tape = grad({slope.sum()}, {t})[0].to_vector();
  for (double v : x) {
    c.dy_closed.push_back(closed_derivative(v));
    c.d2y_closed.push_back(closed_second(v));
  }
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
      [](double v) { return v > 0 ? 1.0 : 0.0; }, [](double) { return 0.0; }));
  out.push_back(trace(
      "leaky_relu a=0.1", x, [](const Tensor& t) { return leaky_relu(t, 0.1); },
      [](double v) { return v > 0 ? 1.0 : 0.1; }, [](double) { return 0.0; }));
  out.push_back(trace(
      "softplus", x, [](const Tensor& t) { return softplus(t); },
      [](double v) { return sigma(v); },  // d/dx log(1 + e^x) = sigma(x)
      [](double v) { return sigma(v) * (1 - sigma(v)); }));
  out.push_back(trace(
      "gelu", x, [](const Tensor& t) { return gelu(t); },
      [](double v) { return normal_cdf(v) + v * normal_pdf(v); },  // Phi + x phi
      [](double v) { return normal_pdf(v) * (2 - v * v); }));     // phi' = -x phi
  out.push_back(trace(
      "gelu tanh", x, [](const Tensor& t) { return gelu(t, GeluApproximation::Tanh); },
      [](double v) {
        const double k = std::sqrt(2 / std::numbers::pi),
                     th = std::tanh(k * (v + 0.044715 * v * v * v));
        return 0.5 * (1 + th) + 0.5 * v * (1 - th * th) * k * (1 + 3 * 0.044715 * v * v);
      },
      [](double v) {  // u = k (x + c x^3): f'' = (1 - th^2) (u' - x th u'^2 + x u'' / 2)
        const double k = std::sqrt(2 / std::numbers::pi), c = 0.044715,
                     th = std::tanh(k * (v + c * v * v * v)), u1 = k * (1 + 3 * c * v * v),
                     u2 = 6 * k * c * v;
        return (1 - th * th) * (u1 - v * th * u1 * u1 + 0.5 * v * u2);
      }));
  for (double b : betas)
    out.push_back(trace(
        beta_label(b), x, [b](const Tensor& t) { return swish(t, b); },
        [b](double v) {
          const double s = sigma(b * v);
          return s + b * v * s * (1 - s);  // s + b x s (1 - s)
        },
        [b](double v) {
          const double s = sigma(b * v);
          return b * s * (1 - s) * (2 + b * v * (1 - 2 * s));  // b s (1 - s) (2 + b x (1 - 2s))
        }));
  out.push_back(trace(
      "sigmoid", x, [](const Tensor& t) { return sigmoid(t); },
      [](double v) { return sigma(v) * (1 - sigma(v)); },
      [](double v) { return sigma(v) * (1 - sigma(v)) * (1 - 2 * sigma(v)); }));
  out.push_back(trace(
      "tanh", x, [](const Tensor& t) { return tanh(t); },
      [](double v) { return 1 - std::tanh(v) * std::tanh(v); },
      [](double v) { return -2 * std::tanh(v) * (1 - std::tanh(v) * std::tanh(v)); }));
  return out;
}

std::vector<Curve> glu_family_curves(const std::vector<double>& x) {
  // y = act(x) x, so dy/dx = act'(x) x + act(x): the same x feeds gate and value, and the
  // tape adds the two contributions. Once more: y'' = act''(x) x + 2 act'(x).
  struct Member {
    GateActivation act;  // its name, gated_name(act), from core/activation_math.hpp's table
    std::function<double(double)> act_value, act_derivative, act_second;
  };
  auto ds = [](double v) { return sigma(v) * (1 - sigma(v)); };
  const std::vector<Member> family = {
      {GateActivation::Sigmoid, sigma, ds, [ds](double v) { return ds(v) * (1 - 2 * sigma(v)); }},
      {GateActivation::Identity, [](double v) { return v; }, [](double) { return 1.0; },
       [](double) { return 0.0; }},
      {GateActivation::ReLU, [](double v) { return v > 0 ? v : 0.0; },
       [](double v) { return v > 0 ? 1.0 : 0.0; }, [](double) { return 0.0; }},
      {GateActivation::GELU, [](double v) { return v * normal_cdf(v); },
       [](double v) { return normal_cdf(v) + v * normal_pdf(v); },
       [](double v) { return normal_pdf(v) * (2 - v * v); }},
      {GateActivation::Swish, [](double v) { return v * sigma(v); },
       [ds](double v) { return sigma(v) + v * ds(v); },
       [ds](double v) { return ds(v) * (2 + v * (1 - 2 * sigma(v))); }},
  };
  std::vector<Curve> out;
  for (const Member& m : family)
    out.push_back(trace(
        gated_name(m.act), x, [&m](const Tensor& t) { return gated(t, t, m.act); },
        [&m](double v) { return m.act_derivative(v) * v + m.act_value(v); },
        [&m](double v) { return m.act_second(v) * v + 2 * m.act_derivative(v); }));
  return out;
}

}  // namespace tg::curves
