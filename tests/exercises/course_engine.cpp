// tests/exercises/course_engine.cpp — see course_engine.hpp. Each line adapts one exercise's
// declaration (exercises.hpp) to the engine's seam of the same name.
#include "course_engine.hpp"

#include <array>
#include <atomic>

#include "exercises.hpp"

namespace ex {

namespace {
// Calls of each piece, counted so that a run can show that every piece of yours took part.
constexpr std::array<const char*, 7> kPieces = {
    "backward_walk",     "reduce_to",          "matmul_backward", "cross_entropy_grad",
    "rms_norm_backward", "attention_backward", "adamw_step"};
std::array<std::atomic<long>, 7> calls{};
}  // namespace

std::string course_calls() {
  std::string text;
  for (std::size_t i = 0; i < kPieces.size(); ++i)
    text += std::string(i ? ", " : "") + kPieces[i] + " " + std::to_string(calls[i].load());
  return text;
}

tg::course::Engine course_engine(const char* source) {
  namespace course = tg::course;
  course::Engine e;
  e.source = source;
  e.backward_walk = [](std::vector<tg::Record>& records, std::size_t last,
                       const std::function<void(std::size_t)>& done) {
    ++calls[0];
    backward_walk(records, last, done);  // ex19
  };
  e.reduce_to = [](const Tensor& grad, const Shape& shape) {
    ++calls[1];
    return reduce_to(grad, shape);  // ex02
  };
  e.matmul_backward = [](const Tensor& a, const Tensor& b, const Tensor& g) {
    ++calls[2];
    const MatmulGrads d = matmul_backward(a, b, g);  // ex03
    return course::ProductGrads{d.da, d.db};
  };
  e.cross_entropy_grad = [](const Tensor& logits, const std::vector<std::int64_t>& targets) {
    ++calls[3];
    return cross_entropy_grad(logits, targets);  // ex08
  };
  e.rms_norm_backward = [](const Tensor& x, const Tensor& w, double eps, const Tensor& g) {
    ++calls[4];
    const RmsNormGrads d = rms_norm_backward(x, w, eps, g);  // ex09
    return course::NormGrads{d.dx, d.dweight};
  };
  e.attention_backward = [](const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& g) {
    ++calls[5];
    const AttentionGrads d = attention_backward(q, k, v, g);  // ex12
    return course::AttentionGrads{d.dq, d.dk, d.dv};
  };
  e.adamw_step = [](std::vector<double>& w, const std::vector<double>& g, std::vector<double>& m,
                    std::vector<double>& v, std::int64_t t, const course::AdamWHyper& h) {
    ++calls[6];
    adamw_step(w, g, m, v, t, AdamWHyper{h.lr, h.beta1, h.beta2, h.eps, h.weight_decay});  // ex11
  };
  return e;
}

}  // namespace ex
