// Reference solution to ex08.
#include "exercises.hpp"

namespace ex {

Tensor cross_entropy_grad(const Tensor& logits, const std::vector<std::int64_t>& targets) {
  // d/dlogits of mean_n -log softmax(z_n)[t_n] = (softmax(z) - onehot(t)) / N.
  tg::NoGradGuard no_grad;
  Tensor d = tg::softmax(logits.detach(), 1).clone();
  const std::int64_t N = logits.size(0);
  for (std::int64_t n = 0; n < N; ++n)
    d.set({n, targets[static_cast<std::size_t>(n)]},
          d.at({n, targets[static_cast<std::size_t>(n)]}) - 1);
  return d / static_cast<double>(N);
}

}  // namespace ex
