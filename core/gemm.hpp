// core/gemm.hpp — the reference matrix-multiply kernel: C += op(A) · op(B).
//
// Layer: core (depends on nothing). Shapes, all row-major and contiguous:
//   op(A) is (M, K): A is stored (M, K), or (K, M) when trans_a (then op(A) = A^T);
//   op(B) is (K, N): B is stored (K, N), or (N, K) when trans_b;
//   C is (M, N) and is accumulated into (the caller zeroes it first for a plain product).
// The transpose flags let matmul's backward (dA = dC·B^T, dB = A^T·dC) run without copying a
// transposed matrix. The loop order keeps the innermost loop walking contiguous memory:
//   i-k-j when B is not transposed (C's row i += A(i,k) * B's row k: a vectorizable axpy);
//   i-j-k when it is (a dot product of A's row i with B's row j).
#pragma once

#include <cstdint>

namespace tg::kernels {

template <class T>
void gemm(bool trans_a, bool trans_b, std::int64_t M, std::int64_t N, std::int64_t K, const T* A,
          const T* B, T* C) {
  // A(i, k) = element (i, k) of op(A), wherever it is stored.
  auto a_at = [&](std::int64_t i, std::int64_t k) { return trans_a ? A[k * M + i] : A[i * K + k]; };
  if (!trans_b) {
    for (std::int64_t i = 0; i < M; ++i) {
      T* c = C + i * N;
      for (std::int64_t k = 0; k < K; ++k) {
        const T a = a_at(i, k);
        const T* b = B + k * N;
        for (std::int64_t j = 0; j < N; ++j) c[j] += a * b[j];
      }
    }
  } else {
    for (std::int64_t i = 0; i < M; ++i)
      for (std::int64_t j = 0; j < N; ++j) {
        const T* b = B + j * K;
        T sum = 0;
        for (std::int64_t k = 0; k < K; ++k) sum += a_at(i, k) * b[k];
        C[i * N + j] += sum;
      }
  }
}

}  // namespace tg::kernels
