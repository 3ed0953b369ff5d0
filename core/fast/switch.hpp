// core/fast/switch.hpp — the one switch between tapegrad's two floors.
//
// Layer: the door of the fast floor, and the only file of core/fast/ that the readable floor
// (core/, activations/, layers/) includes. See docs/architecture.md for the picture.
//
// By default every op runs the readable floor: plain loops and formulas, the code chapters 1-9
// of the tutorial quote, and what a debugger steps into. A program that wants speed says so once,
// at the top of main:
//
//   tg::fast::enable();  // packed, threaded kernels and memory pools: docs/performance.md
//
// From then on the few entry points below hand their work to core/fast/. Each is one line at the
// top of a readable op, `if (fast::enabled()) return fast::...;`, and each fast twin is checked
// against the readable op by a test (tests/core/test_floors.cpp, and the matmul kernel in
// tests/core/test_fast_kernels.cpp). The whole test suite runs on both floors (ctest -L
// reference, ctest -L fast).
//
// The flag is the one piece of process-wide mutable state besides the per-thread tape and grad
// mode. Flip it at the start of a program, not while other threads run ops.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/activation_math.hpp"  // GateActivation, HalfOrder
#include "core/ops.hpp"              // Tensor, Shape, AttentionShape
#include "core/create_graph.hpp"     // CompositeFn

namespace tg::fast {

void enable();   // the fast floor from now on (threads: set_num_threads in core/fast/parallel.hpp)
void disable();  // back to the readable floor
bool enabled();

// Turns the fast floor on (or off) until the end of a scope, then restores what it was: for a
// test that must run one floor, or a benchmark comparing the two. The switch is process-wide,
// not per thread: use a Scope where no other thread is running ops.
class Scope {
 public:
  explicit Scope(bool on = true) : was_(enabled()) { on ? enable() : disable(); }
  ~Scope() { was_ ? enable() : disable(); }
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  bool was_;
};

// ---- the entry points: each is the fast twin of the readable op named ----------------------

// Memory (core/fast/memory_pool.cpp) for storage.cpp's Storage: a pool of freed blocks.
void* allocate(std::size_t bytes);
void release(void* block, std::size_t bytes);
// A TensorImpl and a Storage from per-thread free lists (core/fast/free_list.hpp).
std::shared_ptr<TensorImpl> new_impl();
std::shared_ptr<Storage> new_storage(std::size_t bytes, bool zero_filled);

// batched_product (core/ops_matmul.cpp): the packed, threaded kernel (core/fast/matmul.cpp).
Tensor batched_product(const Tensor& a, const Tensor& b, bool trans_a, bool trans_b,
                       const Shape* shape = nullptr);

// The attention op (core/ops_attention.cpp): the fused kernel in strips (core/fast/attention.cpp).
Tensor attention(const char* op, const Tensor& q, const Tensor& k, const Tensor& v,
                 const AttentionShape& shape);

// gated and gated_halves (activations/glu.cpp): vectorised, threaded loops
// (core/fast/gated.cpp). `composite` is the caller's readable form, from the same inputs: what
// create_graph differentiates instead of the fast backward (tape.hpp, docs/performance.md).
Tensor gated(const Tensor& gate, const Tensor& value, GateActivation act, CompositeFn composite = nullptr);
Tensor gated_halves(const Tensor& x, GateActivation act, std::int64_t axis, HalfOrder order,
                    CompositeFn composite = nullptr);
// gated_slope (activations/glu.cpp): the same loops with gate_kernels.hpp's formulas.
Tensor gated_slope(const Tensor& gate, const Tensor& value, GateActivation act);

// The FFN's down projection of its activated hidden layer, recomputing the hidden layer in
// backward instead of keeping it (layers/ffn.cpp's FFNMemory::Recompute):
// core/fast/activated_linear.hpp.
// Its inputs, for `composite` (as gated's), are a, then b if defined, weight, bias if defined.
Tensor activated_linear(const Tensor& a, const Tensor& b, const Tensor& weight, const Tensor& bias,
                        GateActivation act, CompositeFn composite = nullptr);

}  // namespace tg::fast
