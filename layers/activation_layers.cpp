// layers/activation_layers.cpp — see activation_layers.hpp.
#include "layers/activation_layers.hpp"

#include "activations/activations.hpp"
#include "activations/glu.hpp"
#include "core/ops.hpp"

namespace tg::nn {

Swish::Swish(double initial_beta, DType dtype) {
  beta = register_parameter("beta", scalar(initial_beta, dtype));
}

Tensor Swish::forward(const Tensor& x) const {
  return swish(x, beta);
}

GLU::GLU(std::int64_t d, Generator& gen, bool bias, DType dtype) {
  proj = register_module("proj", std::make_shared<Linear>(d, d, gen, bias, dtype));
}

Tensor GLU::forward(const Tensor& x) const {
  return gated(proj->forward(x), x, GateActivation::Sigmoid);  // sigma(Wx + b) * x
}

SwiGLU::SwiGLU(std::int64_t d_in, std::int64_t d_hidden, Generator& gen, SwiGLUOptions options) {
  gate = register_module(
      "gate", std::make_shared<Linear>(d_in, d_hidden, gen, options.gate_bias, options.dtype));
  value = register_module(
      "value", std::make_shared<Linear>(d_in, d_hidden, gen, options.value_bias, options.dtype));
}

Tensor SwiGLU::forward(const Tensor& x) const {
  return gated(gate->forward(x), value->forward(x), GateActivation::Swish);
}

}  // namespace tg::nn
