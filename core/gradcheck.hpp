// core/gradcheck.hpp — checks backward against central differences, in float64.
//
// Layer: core. For f: inputs -> output, backward computes the vector-Jacobian product
// w^T J for a seed w. gradcheck draws a fixed random w, forms the scalar L(x) = sum(w * f(x)),
// and compares, for every element x_k of every input that requires grad,
//   backward:            dL/dx_k  from L.backward()
//   central difference:  (L(x + eps e_k) - L(x - eps e_k)) / (2 eps)
// The central difference has error O(eps^2) (the eps^1 terms of the two Taylor series cancel),
// so in float64 with eps = 1e-6 it agrees with a correct backward to about 1e-9 relative; a wrong
// backward is off by O(1). Use inputs away from kinks (relu at 0, abs at 0, max ties), where the
// derivative is not defined and differences straddle the two sides.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace tg {

struct GradcheckOptions {
  double eps = 1e-6;   // step of the central difference
  double atol = 1e-7;  // pass when |backward - expected| <= atol + rtol * |expected|
  double rtol = 1e-6;
  std::uint64_t seed = 0;  // for the random projection w
};

struct GradcheckResult {
  bool ok = true;
  std::string message;       // the first mismatch (input, element, received, expected), or ""
  double max_abs_error = 0;  // the largest |backward - central difference| over all elements
  std::int64_t checked = 0;  // how many elements were compared
};

using GradcheckFn = std::function<Tensor(const std::vector<Tensor>&)>;

// Runs f on copies of `inputs` (which must be float64); inputs with requires_grad() are checked,
// the others held fixed. The caller's tensors and their gradients are left untouched.
GradcheckResult gradcheck(const GradcheckFn& f, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options = {});

// The same check one order up (PyTorch's gradgradcheck): the first-order gradients of
// L = sum(w * f(x)), taken by the tape with create_graph (core/grad.hpp), are themselves
// differentiated by backward and compared with central differences of those gradients. It checks
// every backward function that the first-order gradient ran through: each must be made of
// recorded ops whose own backward is right. Messages name the input as gradcheck's do; the
// function checked is x -> sum_i <v_i, dL/dx_i> for fixed random v_i.
GradcheckResult gradgradcheck(const GradcheckFn& f, const std::vector<Tensor>& inputs,
                              const GradcheckOptions& options = {});

// For layers: f reads `params` (leaves that require grad: a module's parameters, and an input
// if its gradient should be checked too) directly; they are perturbed in place and restored.
// Their gradients are left as they were. "input i" in a message is params[i].
GradcheckResult gradcheck_params(const std::function<Tensor()>& f,
                                 const std::vector<Tensor>& params,
                                 const GradcheckOptions& options = {});
// gradgradcheck for layers, reading `params` as gradcheck_params does.
GradcheckResult gradgradcheck_params(const std::function<Tensor()>& f,
                                     const std::vector<Tensor>& params,
                                     const GradcheckOptions& options = {});

}  // namespace tg
