// core/gemm.hpp — the reference matrix-multiply kernel: C += op(A) · op(B).
//
// Layer: core (depends on nothing). Shapes, all row-major and contiguous:
//   op(A) is (M, K): A is stored (M, K), or (K, M) when trans_a (then op(A) = A^T);
//   op(B) is (K, N): B is stored (K, N), or (N, K) when trans_b;
//   C is (M, N) and is accumulated into (the caller zeroes it first for a plain product).
// The transpose flags let matmul's backward (dA = dC·B^T, dB = A^T·dC) and linear (x W^T) be
// written without transposing in the caller. The loop order i-k-j keeps the innermost loop an
// axpy over contiguous memory (C's row i += A(i,k) * B's row k), which the compiler vectorizes.
// When B is stored transposed, it is first copied into k-major order (N*K copies against M*N*K
// multiply-adds): a dot-product loop would not vectorize, since compilers may not reorder a
// floating-point sum.
#pragma once

#include <cstdint>
#include <vector>

namespace tg::kernels {

template <class T>
void gemm(bool trans_a, bool trans_b, std::int64_t M, std::int64_t N, std::int64_t K, const T* A,
          const T* B, T* C) {
  // A(i, k) = element (i, k) of op(A), wherever it is stored.
  auto a_at = [&](std::int64_t i, std::int64_t k) { return trans_a ? A[k * M + i] : A[i * K + k]; };
  std::vector<T> b_rows;
  if (trans_b) {  // B is (N, K): make it (K, N)
    b_rows.resize(static_cast<std::size_t>(K * N));
    for (std::int64_t j = 0; j < N; ++j)
      for (std::int64_t k = 0; k < K; ++k)
        b_rows[static_cast<std::size_t>(k * N + j)] = B[j * K + k];
    B = b_rows.data();
  }
  // Row i of C is summed in doubles and rounded to T once, at the end: a float32 running sum
  // over a long K would lose the low bits of every term (core/ops_reduce.cpp has the numbers).
  std::vector<double> c(static_cast<std::size_t>(N));
  for (std::int64_t i = 0; i < M; ++i) {
    T* c_row = C + i * N;
    for (std::int64_t j = 0; j < N; ++j) c[static_cast<std::size_t>(j)] = c_row[j];
    for (std::int64_t k = 0; k < K; ++k) {
      const double a = a_at(i, k);
      const T* b = B + k * N;
      for (std::int64_t j = 0; j < N; ++j) c[static_cast<std::size_t>(j)] += a * b[j];
    }
    for (std::int64_t j = 0; j < N; ++j) c_row[j] = static_cast<T>(c[static_cast<std::size_t>(j)]);
  }
}

}  // namespace tg::kernels
