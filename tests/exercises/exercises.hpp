// tests/exercises/exercises.hpp — the exercises: what a learner implements, one function (or
// class) each, in tests/exercises/learner/exNN_*.cpp. docs/exercises.md says what to read first
// and has the hints.
//
// The short loop: compile your learner/exNN file alone and run its checks (seconds):
//   cmake --build build --target ex05
// All of them at once, built against your files:
//   cmake -S . -B build -DTAPEGRAD_LEARNER=ON && cmake --build build -j 2
//   ctest --test-dir build -L ex05 --output-on-failure
// Without the option the same checks run against the reference solutions (solutions/), which
// proves the checks pass; the default build also proves each check fails on the untouched stubs.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/random.hpp"
#include "core/tapegrad.hpp"
#include "layers/module.hpp"

namespace ex {

// What every untouched stub does: fail with a pointer to the chapter to read.
[[noreturn]] inline void not_implemented(const char* exercise, const char* chapter) {
  throw tg::Error(std::string("not implemented: read ") + chapter + ", then write " + exercise +
                  " in tests/exercises/learner/");
}

using tg::Shape;
using tg::Tensor;

// ex00 — a scalar tape from zero, micrograd-sized; it uses nothing of tapegrad. A Value is a
// handle to a node holding a double, its gradient, and how it was made: the nodes it was
// computed from (parents) and a function that pushes the node's gradient into theirs. You write
// the three ops and backward(); the node and its destructor are given.
struct ValueNode {
  double data = 0, grad = 0;
  std::vector<std::shared_ptr<ValueNode>> parents;  // empty for a leaf
  // Adds this node's contribution to each parent's grad, from out.grad and the parents' data.
  std::function<void(const ValueNode& out)> backward;
  ValueNode() = default;
  ValueNode(const ValueNode&) = delete;
  ValueNode& operator=(const ValueNode&) = delete;
  // Frees a long chain without recursing: the parents this node alone holds are taken apart
  // here, one loop, instead of each destructor calling the next (which overflows the stack on a
  // chain of 100,000 nodes).
  ~ValueNode() {
    std::vector<std::shared_ptr<ValueNode>> pending = std::move(parents);
    while (!pending.empty()) {
      std::shared_ptr<ValueNode> node = std::move(pending.back());
      pending.pop_back();
      if (node && node.use_count() == 1)
        for (auto& p : node->parents) pending.push_back(std::move(p));
    }
  }
};

class Value {
 public:
  explicit Value(double data) : node(std::make_shared<ValueNode>()) { node->data = data; }
  explicit Value(std::shared_ptr<ValueNode> n) : node(std::move(n)) {}
  double data() const { return node->data; }
  double grad() const { return node->grad; }
  // Sets this value's grad to 1 and walks every node it was made from in reverse topological
  // order (each node after all the nodes made from it), calling each node's backward.
  void backward() const;
  std::shared_ptr<ValueNode> node;
};
Value operator+(const Value& a, const Value& b);
Value operator*(const Value& a, const Value& b);
Value tanh(const Value& x);

// ex01 — a scalar op's backward. A recorded op computing a * b elementwise (same shapes), whose
// backward accumulates g * b into a and g * a into b.
Tensor times(const Tensor& a, const Tensor& b);

// ex02, ex03, ex08, ex09, ex11, ex12 and ex19 are pieces of the engine itself: you write them in
// your copy of the engine's own files, where the chapters quote them (docs/course.md, "Your copy
// of the engine"); tests/exercises/engine_pieces.cpp checks them.

// ex04 — a stable sigmoid and its derivative, for any finite x (no NaN, no inf).
double sigmoid(double x);
double sigmoid_derivative(double x);

// ex05 — swish with a learnable beta: a recorded op x * sigmoid(beta * x), beta of shape (),
// with gradients to both x and beta.
Tensor swish(const Tensor& x, const Tensor& beta);

// ex06 — chunked GLU, forward and backward: x (..., 2h) split in halves a, b along the last axis;
// out = a * sigmoid(b) (PyTorch's F.glu, in PyTorch's letters: here a is the value half and b the
// gate, the reverse of docs/gated-ffn.md's letters). A recorded op.
Tensor glu_halves(const Tensor& x);

// ex07 — fused SwiGLU backward: out = silu(gate) * value; given dL/dout, return dL/dgate and
// dL/dvalue (same shapes), computing silu and its derivative from gate.
struct SwiGLUGrads {
  Tensor dgate, dvalue;
};
SwiGLUGrads swiglu_backward(const Tensor& gate, const Tensor& value, const Tensor& grad_out);

// ex10 — a Linear layer: parameters "weight" (out, in) and "bias" (out,), both drawn from
// U(-1/sqrt(in), 1/sqrt(in)); forward(x) = x W^T + b for x (..., in).
class Linear : public tg::nn::Module {
 public:
  Linear(std::int64_t in, std::int64_t out, tg::Generator& gen, tg::DType dtype = tg::float32);
  Tensor forward(const Tensor& x) const;
  Tensor weight, bias;
};

// ex13 — the FFN hidden-size rule of Llama: 2/3 of 4d, as a whole number (rounded down), then
// rounded up to a multiple of multiple_of.
std::int64_t gated_hidden_size(std::int64_t d_model, std::int64_t multiple_of);

// ex14 — LayerNorm backward: y = (x - mean) / sqrt(var + eps) * weight + bias over the last axis
// of x (N, d), var the biased variance; weight and bias (d,). Given dL/dy (N, d), return dL/dx
// (N, d), dL/dweight (d,) and dL/dbias (d,).
struct LayerNormGrads {
  Tensor dx, dweight, dbias;
};
LayerNormGrads layer_norm_backward(const Tensor& x, const Tensor& weight, double eps,
                                   const Tensor& grad_out);

// ex15 — RoPE in the rotate-half layout (layers/rope.hpp): x (T, hd), hd even; cos and sin (T, hd)
// from tg::nn::rope_tables. Forward rotates pair (x[t, i], x[t, i + hd/2]) by the angle whose
// cosine and sine are cos[t, i] and sin[t, i]; backward takes dL/dout (T, hd) to dL/dx (T, hd).
Tensor rope_forward(const Tensor& x, const Tensor& cos, const Tensor& sin);
Tensor rope_backward(const Tensor& grad_out, const Tensor& cos, const Tensor& sin);

// ex16 — embedding backward: the forward was out[p] = weight[ids[p]] for a table weight
// (num, dim), out (n, dim) with n = ids.size(). Given dL/dout (n, dim), return dL/dweight
// (num, dim). Ids may repeat.
Tensor embedding_backward(const std::vector<std::int64_t>& ids, const Tensor& grad_out,
                          std::int64_t num);

// ex17 — inverted dropout. In training (and p > 0), each element is kept with probability 1 - p
// (draw gen.uniform() per element) and scaled by 1/(1 - p); otherwise out = x. The mask (x's
// shape) holds what x was multiplied by: 0 or 1/(1 - p) in training, all 1 otherwise. The
// backward takes dL/dout and that mask to dL/dx. p is in [0, 1).
struct DropoutOutput {
  Tensor out, mask;
};
DropoutOutput dropout_forward(const Tensor& x, double p, tg::Generator& gen, bool training);
Tensor dropout_backward(const Tensor& grad_out, const Tensor& mask);

// ex18 — GELU's derivative, both forms, for any finite x (no NaN, no inf):
// exact, gelu(x) = x Phi(x) with Phi the standard normal CDF; and GPT-2's tanh approximation,
// gelu(x) ~ x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2.
double gelu_derivative(double x);
double gelu_tanh_derivative(double x);

// ex20 — the backward of a mixture of experts' weighted combine (layers/moe.cpp, docs/moe.md).
// Token n went to k experts. logits (N, k) are the router logits of those k experts; the weights
// are w[n] = softmax(logits[n]) (Mixtral's top-k weights, renormalised over the chosen ones);
// experts (N, k, d) are the k experts' outputs for the token; the layer's output is
// y[n] = sum_j w[n][j] experts[n][j]. Given dL/dy (N, d), return dL/dw (N, k), dL/dlogits (N, k)
// and dL/dexperts (N, k, d), all float64.
struct CombineGrads {
  Tensor dweights, dlogits, dexperts;
};
CombineGrads moe_combine_backward(const Tensor& logits, const Tensor& experts,
                                  const Tensor& grad_out);

// ex21 — softmax's backward on its own: y = softmax(x) of one row, g = dL/dy; return dL/dx,
// from y and g alone (no x, no exp).
std::vector<double> softmax_backward(const std::vector<double>& y, const std::vector<double>& g);

// ex22 — log_softmax's backward: z = log_softmax(x) of one row, g = dL/dz; return dL/dx, from z
// and g alone. It must stay finite and exact for logits far apart (z of -1000 and less).
std::vector<double> log_softmax_backward(const std::vector<double>& z,
                                         const std::vector<double>& g);

// ex23 — the backward of maximum(a, b) for one pair: given g = dL/dmax, return (dL/da, dL/db).
// Where a == b the derivative does not exist; split g half and half, as PyTorch does.
std::pair<double, double> maximum_backward(double a, double b, double g);

// ex24 — SiLU's second derivative in closed form: f(x) = x sigma(x), return f''(x) for any
// finite x, finite itself (no NaN far out). The checks compare it with the tape
// differentiating its own backward pass (docs/higher-order.md).
double silu_second_derivative(double x);

// ex25 — the Hessian-vector product of a quadratic, f(x) = 1/2 x^T A x + b^T x, by hand: A (n, n)
// row-major in `A` (not symmetric in general), v (n); return H v, without forming H.
std::vector<double> quadratic_hvp(const std::vector<double>& A, const std::vector<double>& v);

// ex26 — softmax's Jacobian-vector product (forward mode): y = softmax(x) of one row; return
// J v = d softmax(x + t v) / dt at t = 0, from x and v, without forming J.
std::vector<double> softmax_jvp(const std::vector<double>& x, const std::vector<double>& v);

}  // namespace ex
