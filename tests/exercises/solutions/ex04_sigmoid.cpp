// Reference solution to ex04.
#include <cmath>

#include "exercises.hpp"

namespace ex {

double sigmoid(double x) {
  if (x >= 0) return 1 / (1 + std::exp(-x));
  const double e = std::exp(x);  // x < 0: exp never overflows
  return e / (1 + e);
}

double sigmoid_derivative(double x) {
  const double s = sigmoid(x);
  return s * (1 - s);
}

}  // namespace ex
