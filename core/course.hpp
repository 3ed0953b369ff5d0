// core/course.hpp — the course's seams: seven places where the engine runs a learner's code
// instead of its own.
//
// Layer: core. Depends on tape.hpp (Record) and tensor.hpp.
//
// The course (docs/course.md) has the learner write the pieces
// of this engine that training needs: the tape's backward walk, the reduction of a broadcast
// gradient, matmul's backward, softmax + cross-entropy's backward, RMSNorm's backward,
// attention's backward and one AdamW step. Each readable op below asks engine() whether a
// learner's version is installed and, if it is, calls it where its own code would run:
//
//   piece                 the op that calls it                   exercise
//   backward_walk         Tape::backward (core/tape.cpp)          ex19
//   reduce_to             sum_to_shape (core/ops_reduce.cpp)      ex02
//   matmul_backward       matmul and linear (core/ops_matmul.cpp) ex03
//   cross_entropy_grad    cross_entropy (core/ops_softmax.cpp)    ex08
//   rms_norm_backward     rms_norm (core/ops_norm.cpp)            ex09
//   attention_backward    causal attention (core/ops_attention.cpp) ex12
//   adamw_step            optim::AdamW::step (layers/optim.cpp)   ex11
//
// Nothing is installed unless a program does it: the library, its tests and the example programs
// run the engine's own code. tests/exercises/course_engine.cpp installs the learner's functions
// (or the reference solutions) into the build of train_transformer called
// train_transformer_course. The fast floor (core/fast/) has no seams: the course runs on the
// readable floor.
//
// install() sets process-wide state (the one global besides the fast-floor switch and the
// thread-local tape and grad mode): call it once at the top of main, before any op runs.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/tape.hpp"
#include "core/tensor.hpp"

namespace tg::course {

struct ProductGrads {  // C = A B with A (M, K), B (K, N): dA (M, K), dB (K, N)
  Tensor da, db;
};
struct NormGrads {  // y = rms_norm(x, weight): dx (N, d), dweight (d,)
  Tensor dx, dweight;
};
struct AttentionGrads {  // one causal head, q, k, v (T, d): dq, dk, dv (T, d)
  Tensor dq, dk, dv;
};
struct AdamWHyper {  // torch.optim.AdamW's hyper-parameters
  double lr, beta1, beta2, eps, weight_decay;
};

struct Engine {
  // Where the functions come from, printed by the program that installed them.
  std::string source;

  // The tape's walk: records[0 .. last] are this pass's records in execution order, and the
  // root's output gradient is seeded. Run each record's backward whose output received a
  // gradient (rec.output.grad()), newest first, passing it that gradient; then call done(i),
  // which frees what record i held.
  std::function<void(std::vector<Record>& records, std::size_t last,
                     const std::function<void(std::size_t)>& done)>
      backward_walk;
  // A gradient of a broadcast result, summed down to the input's shape (which broadcasts to
  // grad's shape). Called only when the shapes differ.
  std::function<Tensor(const Tensor& grad, const Shape& shape)> reduce_to;
  // dA = G B^T, dB = A^T G for C = A B, both 2-D; g = dL/dC (M, N).
  std::function<ProductGrads(const Tensor& a, const Tensor& b, const Tensor& g)> matmul_backward;
  // d/dlogits of mean_n -log softmax(logits_n)[targets_n], logits (N, C), every target a class.
  std::function<Tensor(const Tensor& logits, const std::vector<std::int64_t>& targets)>
      cross_entropy_grad;
  // RMSNorm's backward over rows: x (N, d), weight (d,), g = dL/dy (N, d).
  std::function<NormGrads(const Tensor& x, const Tensor& weight, double eps, const Tensor& g)>
      rms_norm_backward;
  // One causal head (scale 1/sqrt(d), query i sees keys 0..i), g = dL/dout (T, d).
  std::function<AttentionGrads(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& g)>
      attention_backward;
  // One AdamW step on one parameter, in place; t counts this parameter's steps from 1.
  std::function<void(std::vector<double>& w, const std::vector<double>& g, std::vector<double>& m,
                     std::vector<double>& v, std::int64_t t, const AdamWHyper& h)>
      adamw_step;
};

// The installed functions; every member is empty (and the engine runs its own code) until
// install() is called.
const Engine& engine();

// Puts the learner's functions in place of the engine's, for the rest of the process. A member
// left empty keeps the engine's own code. Throws tg::Error if the fast floor is on (it has no
// seams, so the learner's code would not run).
void install(Engine engine);

// Back to the engine's own code everywhere (a test that installed a piece restores this way).
void uninstall();

// True when install() has been called (and uninstall() has not).
bool installed();

// Returns t after checking that the learner's `piece` returned a defined tensor of shape
// `expected` and the dtype of the engine's own result; otherwise throws tg::Error naming both.
const Tensor& checked(const char* piece, const char* what, const Tensor& t, const Shape& expected,
                      DType dtype);

}  // namespace tg::course
