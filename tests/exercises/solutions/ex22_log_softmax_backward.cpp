// Reference solution to ex22.
#include <cmath>

#include "exercises.hpp"

namespace ex {

// dz_i/dx_j = [i = j] - softmax_j, and softmax_j = e^{z_j} (z_j <= 0, so e^{z_j} <= 1 never
// overflows). dL/dx_j = g_j - softmax_j sum_i g_i.
std::vector<double> log_softmax_backward(const std::vector<double>& z,
                                         const std::vector<double>& g) {
  double total = 0;
  for (double gi : g) total += gi;
  std::vector<double> dx(z.size());
  for (std::size_t j = 0; j < z.size(); ++j) dx[j] = g[j] - std::exp(z[j]) * total;
  return dx;
}

}  // namespace ex
