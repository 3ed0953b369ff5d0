// core/fast/gemm_packed.hpp — the fast matrix multiply: C += op(A) · op(B), the same contract as
// the reference kernel in gemm.hpp (read that one first; this one computes the same numbers).
//
// Fast floor. Reference twin: kernels::gemm in core/gemm.hpp. Test: "the packed matmul kernel
// equals the reference on awkward sizes, transposed or not" (tests/core/test_fast_kernels.cpp).
// Why the reference loop is slow, and what this one does about it:
// 1. Registers. A multiply-add needs two loads and a store in the reference axpy loop. Here a
//    micro-kernel keeps an MR x NR block of C in registers (MR * NR / lanes vector registers)
//    for a whole run over k, loading one column of A and one row of B per k: MR + NR loads for
//    MR * NR multiply-adds.
// 2. Caches. The micro-kernel streams a KC x NR strip of B and a KC x MR strip of A. Blocking
//    (KC rows of B in cache, MC rows of A) keeps each byte in cache while it is reused.
// 3. Packing. The strips are copied into contiguous buffers in exactly the order the
//    micro-kernel reads them, padded with zeros to whole tiles. The copy handles the transposes
//    (trans_a, trans_b) and the edges. It costs one copy per number against as many
//    multiply-adds as the other side is wide, so it is done only where it pays: A is packed for
//    wide products only (otherwise the kernel reads whole strips of A's rows where they lie), and
//    a small, untransposed B is read in place.
// 4. Threads. Blocks of MC rows of C are independent: parallel_for spreads them over the pool.
//    Each element of C is still summed over k in the same order, so the result does not depend
//    on the number of threads.
// 5. One row. A product of a single row (a generation step with the KV cache) packs nothing and
//    runs a one-row kernel on the operands where they lie, not a zero-padded MR-row tile.
// The micro-kernel is plain loops with compile-time trip counts; the compiler unrolls them and
// turns the NR-wide rows into vector instructions (AVX-512, AVX2 or SSE, whatever the build
// targets; see TAPEGRAD_NATIVE in CMakeLists.txt).
#pragma once

#include <cstdint>

namespace tg::kernels {

// accumulate = false computes C = op(A) · op(B) instead, without reading C: the caller need
// not zero it first (saving a pass over memory).
//
// Leading dimensions, as in BLAS: row r of a stored matrix starts ld numbers after row r - 1
// (ld >= the row's length), so an operand can be a block of a larger row-major matrix. Attention
// uses this to read one head's columns of (B, T, H·d) in place (ld = H·d), and to skip the
// masked half of a causal product (the first rows, or the last columns, of a matrix).
template <class T>
void gemm_packed(bool trans_a, bool trans_b, std::int64_t M, std::int64_t N, std::int64_t K,
                 const T* A, std::int64_t lda, const T* B, std::int64_t ldb, T* C, std::int64_t ldc,
                 bool accumulate = true);

// The kernel sums over k in slices of kDepthBlock: each slice in registers, then added to C. So
// the rounding of a product depends on where its slices start, and a sum begun later is not the
// same sum to the last bit (see gemm_packed_from).
constexpr std::int64_t kDepthBlock = 192;

// C = op(A) · op(B), the sum running over k = first .. K-1 only: for products whose terms before
// `first` are known to be zeros (causal attention's dv = P^T dout: no query before the key sees
// it). Bit for bit the whole product: the sum is split where the whole product's slices split,
// so every slice adds the same numbers (its leading zeros add nothing). A and B point where the
// whole product's would; nothing before k = first is read.
template <class T>
void gemm_packed_from(std::int64_t first, bool trans_a, bool trans_b, std::int64_t M,
                      std::int64_t N, std::int64_t K, const T* A, std::int64_t lda, const T* B,
                      std::int64_t ldb, T* C, std::int64_t ldc);

// Contiguous operands: A is stored (M, K) or (K, M), B (K, N) or (N, K), C (M, N).
template <class T>
void gemm_packed(bool trans_a, bool trans_b, std::int64_t M, std::int64_t N, std::int64_t K,
                 const T* A, const T* B, T* C, bool accumulate = true) {
  gemm_packed(trans_a, trans_b, M, N, K, A, trans_a ? M : K, B, trans_b ? K : N, C, N, accumulate);
}

}  // namespace tg::kernels
