// tests/exercises/exercises.hpp — the exercises: what a learner implements, one function (or
// class) each, in tests/exercises/learner/exNN_*.cpp. docs/exercises.md says what to read first.
//
// Build with -DTAPEGRAD_LEARNER=ON to test your own versions:
//   cmake -S . -B build -DTAPEGRAD_LEARNER=ON && cmake --build build -j 2
//   ctest --test-dir build -L ex01 --output-on-failure        # just exercise 1
//   build/bin/exercise_tests -ts=ex01                           # the same, directly
// Without the option the same checks run against the reference solutions (solutions/), which
// proves the checks pass; CI also proves each check fails on the untouched stubs.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

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

// ex01 — a scalar op's backward. A recorded op computing a * b elementwise (same shapes), whose
// backward accumulates g * b into a and g * a into b.
Tensor times(const Tensor& a, const Tensor& b);

// ex02 — reducing a broadcast gradient. `grad` has the broadcast shape of an op's output; return
// it summed down to `shape` (the shape of the input that was broadcast).
Tensor reduce_to(const Tensor& grad, const Shape& shape);

// ex03 — matmul's backward. For C = A B with A (M, K), B (K, N) and dL/dC = grad_out (M, N),
// return dL/dA and dL/dB.
struct MatmulGrads {
  Tensor da, db;
};
MatmulGrads matmul_backward(const Tensor& a, const Tensor& b, const Tensor& grad_out);

// ex04 — a stable sigmoid and its derivative, for any finite x (no NaN, no inf).
double sigmoid(double x);
double sigmoid_derivative(double x);

// ex05 — swish with a learnable beta: a recorded op x * sigmoid(beta * x), beta of shape (),
// with gradients to both x and beta.
Tensor swish(const Tensor& x, const Tensor& beta);

// ex06 — chunked GLU, forward and backward: x (..., 2h) split in halves a, b along the last axis;
// out = a * sigmoid(b) (PyTorch's F.glu). A recorded op.
Tensor glu_halves(const Tensor& x);

// ex07 — fused SwiGLU backward: out = silu(gate) * value; given dL/dout, return dL/dgate and
// dL/dvalue (same shapes), computing silu and its derivative from gate.
struct SwiGLUGrads {
  Tensor dgate, dvalue;
};
SwiGLUGrads swiglu_backward(const Tensor& gate, const Tensor& value, const Tensor& grad_out);

// ex08 — softmax with cross-entropy, backward: for loss = mean over rows of
// -log softmax(logits)[n, target[n]], with logits (N, C), return dloss/dlogits.
Tensor cross_entropy_grad(const Tensor& logits, const std::vector<std::int64_t>& targets);

// ex09 — RMSNorm backward: y = x / sqrt(mean(x^2) + eps) * w over the last axis of x (N, d);
// given dL/dy (N, d), return dL/dx (N, d) and dL/dw (d,).
struct RmsNormGrads {
  Tensor dx, dweight;
};
RmsNormGrads rms_norm_backward(const Tensor& x, const Tensor& w, double eps,
                               const Tensor& grad_out);

// ex10 — a Linear layer: parameters "weight" (out, in) and "bias" (out,), both drawn from
// U(-1/sqrt(in), 1/sqrt(in)); forward(x) = x W^T + b for x (..., in).
class Linear : public tg::nn::Module {
 public:
  Linear(std::int64_t in, std::int64_t out, tg::Generator& gen, tg::DType dtype = tg::float32);
  Tensor forward(const Tensor& x) const;
  Tensor weight, bias;
};

// ex11 — one AdamW step on plain numbers, as torch.optim.AdamW: w, m, v are updated in place;
// t is the step number (1 for the first step).
struct AdamWHyper {
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.01;
};
void adamw_step(std::vector<double>& w, const std::vector<double>& g, std::vector<double>& m,
                std::vector<double>& v, std::int64_t t, const AdamWHyper& h);

// ex12 — attention backward, one head, causal: S = Q K^T / sqrt(d) masked above the diagonal,
// P = softmax(S) by rows, O = P V, with Q, K, V (T, d). Given dL/dO, return dL/dQ, dL/dK, dL/dV.
struct AttentionGrads {
  Tensor dq, dk, dv;
};
AttentionGrads attention_backward(const Tensor& q, const Tensor& k, const Tensor& v,
                                  const Tensor& grad_out);

// ex13 — the FFN hidden-size rule of Llama: 2/3 of 4d, as a whole number (rounded down), then
// rounded up to a multiple of multiple_of.
std::int64_t gated_hidden_size(std::int64_t d_model, std::int64_t multiple_of);

// ex19 — the tape's backward walk, the loop at the heart of Tape::backward (core/tape.cpp).
// records[0 .. last] are one backward pass's records in execution order (core/tape.hpp's
// Record: op, inputs, output, backward), and the root's output gradient is already seeded. Run
// the backward function of every record whose output received a gradient, passing it that
// gradient, in the order that lets every gradient arrive before it is passed on; call done(i)
// right after record i's backward has run (it frees what the record held).
void backward_walk(std::vector<tg::Record>& records, std::size_t last,
                   const std::function<void(std::size_t)>& done);

}  // namespace ex
