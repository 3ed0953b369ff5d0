// layers/activation_layers.hpp — the activation and gating layers: Swish (learnable beta),
// GLU (a layer gating its own input) and SwiGLU (gate and value projections).
//
// Layer: layers. Shapes: Swish (...) -> (...); GLU (..., d) -> (..., d);
// SwiGLU (..., d_in) -> (..., d_hidden).
#pragma once

#include <cstdint>
#include <memory>

#include "core/random.hpp"
#include "layers/linear.hpp"
#include "layers/module.hpp"

namespace tg::nn {

// x sigma(beta x) with beta a parameter (initialised to `beta`), trained like any weight.
class Swish : public Module {
 public:
  explicit Swish(double beta = 1.0, DType dtype = float32);
  Tensor forward(const Tensor& x) const;
  Tensor operator()(const Tensor& x) const { return forward(x); }
  Tensor beta;  // shape ()
};

// GLU(x) = x * sigma(W x + b): the input gated by a d -> d projection of itself, the form of
// the teaching material. (Dauphin et al.'s GLU, (xW + b) * sigma(xV + c), has a separate value
// projection: that is nn::FFN's "glu" kind, or gated() with two Linear layers.) One fused op
// computes the product (gated() in activations/glu.hpp).
class GLU : public Module {
 public:
  GLU(std::int64_t d, Generator& gen, bool bias = true, DType dtype = float32);
  Tensor forward(const Tensor& x) const;
  Tensor operator()(const Tensor& x) const { return forward(x); }
  std::shared_ptr<Linear> proj;
};

// SwiGLU(x) = Swish(x W + b) * (x V + c), Shazeer 2020, with Swish's beta = 1 (SiLU), as PaLM
// and Llama use it. The gate bias b is on by default and optional; the value bias c is off by
// default, as in the usual formulation.
struct SwiGLUOptions {
  bool gate_bias = true;
  bool value_bias = false;
  DType dtype = float32;
};

class SwiGLU : public Module {
 public:
  SwiGLU(std::int64_t d_in, std::int64_t d_hidden, Generator& gen, SwiGLUOptions options = {});
  Tensor forward(const Tensor& x) const;
  Tensor operator()(const Tensor& x) const { return forward(x); }
  std::shared_ptr<Linear> gate;   // W, b
  std::shared_ptr<Linear> value;  // V, c
};

}  // namespace tg::nn
