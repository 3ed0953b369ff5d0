// Reference solution to ex11.
#include <cmath>

#include "exercises.hpp"

namespace ex {

void adamw_step(std::vector<double>& w, const std::vector<double>& g, std::vector<double>& m,
                std::vector<double>& v, std::int64_t t, const AdamWHyper& h) {
  const double c1 = 1 - std::pow(h.beta1, static_cast<double>(t)),
               c2 = 1 - std::pow(h.beta2, static_cast<double>(t));
  for (std::size_t i = 0; i < w.size(); ++i) {
    w[i] -= h.lr * h.weight_decay * w[i];  // decoupled decay first
    m[i] = h.beta1 * m[i] + (1 - h.beta1) * g[i];
    v[i] = h.beta2 * v[i] + (1 - h.beta2) * g[i] * g[i];
    w[i] -= h.lr * (m[i] / c1) / (std::sqrt(v[i] / c2) + h.eps);
  }
}

}  // namespace ex
