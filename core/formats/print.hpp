// core/formats/print.hpp — prints tensors the way PyTorch does, so its output reads familiar:
//
//   tensor([[ 1.0000, -2.5000],
//           [ 3.0000,  4.0000]], requires_grad=True)
//
// Layer: core. Values print with 4 decimals ("1." style when every value is whole, scientific
// when magnitudes are very large or small); tensors over 1000 elements show the first and last
// 3 entries of each axis around "...". dtype is shown when it is not the default float32.
#pragma once

#include <ostream>
#include <string>

#include "core/tensor.hpp"

namespace tg {

std::ostream& operator<<(std::ostream& os, const Tensor& t);
std::string to_string(const Tensor& t);

}  // namespace tg
