// tests/exercises/course_engine.cpp — see course_engine.hpp. Each line adapts one exercise's
// declaration (exercises.hpp) to the engine's seam of the same name.
#include "course_engine.hpp"

#include "exercises.hpp"

namespace ex {

tg::course::Engine course_engine(const char* source) {
  namespace course = tg::course;
  course::Engine e;
  e.source = source;
  e.backward_walk = backward_walk;                                             // ex19
  e.reduce_to = reduce_to;                                                     // ex02
  e.matmul_backward = [](const Tensor& a, const Tensor& b, const Tensor& g) {  // ex03
    const MatmulGrads d = matmul_backward(a, b, g);
    return course::ProductGrads{d.da, d.db};
  };
  e.cross_entropy_grad = cross_entropy_grad;                                                 // ex08
  e.rms_norm_backward = [](const Tensor& x, const Tensor& w, double eps, const Tensor& g) {  // ex09
    const RmsNormGrads d = rms_norm_backward(x, w, eps, g);
    return course::NormGrads{d.dx, d.dweight};
  };
  e.attention_backward = [](const Tensor& q, const Tensor& k, const Tensor& v,
                            const Tensor& g) {  // ex12
    const AttentionGrads d = attention_backward(q, k, v, g);
    return course::AttentionGrads{d.dq, d.dk, d.dv};
  };
  e.adamw_step = [](std::vector<double>& w, const std::vector<double>& g, std::vector<double>& m,
                    std::vector<double>& v, std::int64_t t, const course::AdamWHyper& h) {  // ex11
    adamw_step(w, g, m, v, t, AdamWHyper{h.lr, h.beta1, h.beta2, h.eps, h.weight_decay});
  };
  return e;
}

}  // namespace ex
