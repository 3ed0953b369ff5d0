// core/tape_errors.hpp — the checks Tape::backward makes before it walks, and their messages.
//
// Layer: core. Kept apart from core/tape.cpp so that the walk reads as the algorithm; each check
// names the op, the shapes and what to do (tests/core/test_tape.cpp holds each message).
#pragma once

#include "core/tensor.hpp"

namespace tg {

// The seed gradient d(root)/d(root) for backward: `seed` when given (it must match root's shape
// and dtype), else ones when root has one element. Throws tg::Error ("backward: ...") when root
// is undefined or does not require grad, or the seed does not fit.
Tensor checked_seed(const Tensor& root, const Tensor& seed);

// Why the record that made `impl` (an op's output) cannot be used now: its tape was cleared,
// backward already released it, or it is on another thread's tape. Ends an error message.
const char* why_unusable(const TensorImpl& impl);

}  // namespace tg
