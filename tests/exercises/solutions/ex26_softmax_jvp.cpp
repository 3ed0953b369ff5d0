// Reference solution to ex26.
#include <algorithm>
#include <cmath>

#include "exercises.hpp"

namespace ex {

// dy_i/dx_j = y_i ([i = j] - y_j), so (J v)_i = y_i (v_i - sum_j y_j v_j): one sum over the
// row. J is symmetric, so this is also ex21's g^T J with g = v.
std::vector<double> softmax_jvp(const std::vector<double>& x, const std::vector<double>& v) {
  const double top = *std::max_element(x.begin(), x.end());  // shifted: no exp overflows
  std::vector<double> y;
  double total = 0;
  for (double xi : x) total += std::exp(xi - top);
  for (double xi : x) y.push_back(std::exp(xi - top) / total);
  double mean_v = 0;
  for (std::size_t j = 0; j < x.size(); ++j) mean_v += y[j] * v[j];
  std::vector<double> jv;
  for (std::size_t i = 0; i < x.size(); ++i) jv.push_back(y[i] * (v[i] - mean_v));
  return jv;
}

}  // namespace ex
