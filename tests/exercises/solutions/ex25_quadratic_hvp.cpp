// Reference solution to ex25.
#include <cmath>

#include "exercises.hpp"

namespace ex {

// df/dx_k = 1/2 (A x)_k + 1/2 (A^T x)_k + b_k, so H = (A + A^T) / 2 and H v = (A v + A^T v) / 2:
// two matrix-vector products, n^2 each; b is gone.
std::vector<double> quadratic_hvp(const std::vector<double>& A, const std::vector<double>& v) {
  const std::size_t n = v.size();
  std::vector<double> hv(n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) hv[i] += 0.5 * (A[i * n + j] + A[j * n + i]) * v[j];
  return hv;
}

}  // namespace ex
