// Reference solution to ex21.
#include "exercises.hpp"

namespace ex {

// dy_i/dx_j = y_i ([i = j] - y_j), so dL/dx_j = sum_i g_i y_i ([i = j] - y_j)
//           = y_j (g_j - sum_i g_i y_i).
std::vector<double> softmax_backward(const std::vector<double>& y, const std::vector<double>& g) {
  double dot = 0;
  for (std::size_t i = 0; i < y.size(); ++i) dot += g[i] * y[i];
  std::vector<double> dx(y.size());
  for (std::size_t j = 0; j < y.size(); ++j) dx[j] = y[j] * (g[j] - dot);
  return dx;
}

}  // namespace ex
