// core/fast/gemm_packed.cpp — see gemm_packed.hpp (fast floor; twin: core/gemm.hpp).
#include "core/fast/gemm_packed.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include "core/fast/multiply_add.hpp"
#include "core/fast/parallel.hpp"

namespace tg::kernels {

namespace {

// The register tile: MR rows of C by NR columns, NR being two vector registers' worth of T
// (64 bytes each with AVX-512, 32 with AVX2). MR * NR / lanes accumulators plus a few
// registers for A and B must fit in the register file (32 with AVX-512, 16 with AVX2).
#if defined(__AVX512F__)
constexpr int kVectorBytes = 64;
constexpr int kRows = 8;  // 16 accumulators of 32
#else
constexpr int kVectorBytes = 32;
constexpr int kRows = 6;  // 12 accumulators of 16
#endif

template <class T>
struct Tile {
  static constexpr int MR = kRows;
  static constexpr int NR = 2 * kVectorBytes / static_cast<int>(sizeof(T));
  // A KC x NR strip of B (24 KB of floats with AVX-512) stays in the 32 KB L1 cache while the
  // micro-kernel runs down an MC x KC block of A (144 KB, in L2). Chosen by measuring a few
  // sizes around these (docs/performance.md).
  static constexpr std::int64_t KC = kDepthBlock;
  static constexpr std::int64_t MC = 24 * MR;
  static constexpr std::int64_t NC = 2048;
};

// op(X)(r, c) = X[r * row_stride + c * col_stride]: the transposes are just swapped strides.
template <class T>
struct View {
  const T* data;
  std::int64_t row_stride, col_stride;
};

// Rows [r0, r0 + rows) and columns [c0, c0 + kc) of a view X, as strips of W rows: element
// (r0 + s*W + i, c0 + p) at packed[s*W*kc + p*W + i]; rows past the end are zeros. For A the view
// is op(A) and W = MR. For B it is op(B) transposed (its columns become the rows) and W = NR.
// Either way the micro-kernel then reads W consecutive numbers per step of k. Packing costs one
// copy per number against (other side's size) multiply-adds, so the two common layouts get a
// loop with constant trip counts (no branch per number, no call per row).
template <int W, class T>
void pack(const View<T>& x, std::int64_t r0, std::int64_t rows, std::int64_t c0, std::int64_t kc,
          T* packed) {
  for (std::int64_t s = 0; s < rows; s += W, packed += W * kc) {
    const int strip = static_cast<int>(std::min<std::int64_t>(W, rows - s));
    const T* first = x.data + (r0 + s) * x.row_stride + c0 * x.col_stride;  // element (s, 0)
    if (strip == W && x.row_stride == 1) {   // the W rows lie side by side: a plain copy
      for (std::int64_t p = 0; p < kc; ++p)  // (a memcpy of constant size is a few vector moves)
        std::memcpy(packed + p * W, first + p * x.col_stride, W * sizeof(T));
    } else if (strip == W && x.col_stride == 1) {  // each row runs along k: a transpose
      for (std::int64_t p = 0; p < kc; ++p)        // W loads from W rows, one contiguous store run
        for (int i = 0; i < W; ++i) packed[p * W + i] = first[i * x.row_stride + p];
    } else {  // an edge strip (attention's products have 16 columns), or a strided view
      for (std::int64_t p = 0; p < kc; ++p) {
        const T* column = first + p * x.col_stride;
        for (int i = 0; i < strip; ++i) packed[p * W + i] = column[i * x.row_stride];
        for (int i = strip; i < W; ++i) packed[p * W + i] = T(0);
      }
    }
  }
}

// Where the micro-kernel finds its operands: element (i, p) of A at a[i * a_row + p * a_step],
// row p of B (NR numbers side by side) at b + p * b_step. Packed operands have 1, MR and NR.
struct Strides {
  std::int64_t a_row, a_step, b_step;
};

// C (MR x NR, row stride ldc) += A (MR x kc) · B (kc x NR), summed in registers. kPacked: both
// operands are packed, so the strides are constants and the loads need no multiplies. With
// overwrite, C is set to the product instead of added to (the first slice of k, when the caller
// asked for C = A·B). Every index of acc is a constant once the loops are unrolled, which is
// what lets the compiler keep it in registers.
template <bool kPacked, class T>
void micro_kernel(std::int64_t kc, const T* a, const T* b, Strides s, T* c, std::int64_t ldc,
                  bool overwrite) {
  constexpr int MR = Tile<T>::MR, NR = Tile<T>::NR;
  if constexpr (kPacked) s = Strides{1, MR, NR};
  T acc[MR][NR];  // starts as the first step's products (kc >= 1), not as zeros: GCC turns a
                  // zeroing loop into a memset, and that keeps acc in memory
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NR; ++j) acc[i][j] = a[i * s.a_row] * b[j];
  a += s.a_step, b += s.b_step;
  for (std::int64_t p = 1; p < kc; ++p, a += s.a_step, b += s.b_step)
    for (int i = 0; i < MR; ++i)
      for (int j = 0; j < NR; ++j) acc[i][j] = fast::multiply_add(a[i * s.a_row], b[j], acc[i][j]);
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NR; ++j) c[i * ldc + j] = acc[i][j] + (overwrite ? T(0) : c[i * ldc + j]);
}

// The same for an edge tile, of which only mr x nr is C: the whole tile goes to a buffer first.
template <bool kPacked, class T>
void edge_kernel(std::int64_t kc, const T* a, const T* b, Strides s, T* c, std::int64_t ldc, int mr,
                 int nr, bool overwrite) {
  constexpr int MR = Tile<T>::MR, NR = Tile<T>::NR;
  T tile[MR * NR];
  micro_kernel<kPacked>(kc, a, b, s, tile, NR, true);
  for (int i = 0; i < mr; ++i)
    for (int j = 0; j < nr; ++j)
      c[i * ldc + j] = tile[i * NR + j] + (overwrite ? T(0) : c[i * ldc + j]);
}

// C (1 x W) += a (1 x kc) · B (kc x W), for a product with a single row (a generation step with
// the KV cache multiplies one token's row by every weight): packing B and filling an MR-row tile
// with zeros would cost several times the arithmetic, so both operands are read where they lie,
// element (p, j) of B at b[p * b_step + j * b_col]. Each element is summed over k in the same
// order, with the same fused multiply-adds (multiply_add.hpp), as in micro_kernel: the same bits.
template <int W, class T>
void row_kernel(std::int64_t kc, const T* a, std::int64_t a_step, const T* b, std::int64_t b_step,
                std::int64_t b_col, T* c, bool overwrite) {
  T acc[W];
  for (int j = 0; j < W; ++j) acc[j] = a[0] * b[j * b_col];
  for (std::int64_t p = 1; p < kc; ++p)
    for (int j = 0; j < W; ++j)
      acc[j] = fast::multiply_add(a[p * a_step], b[p * b_step + j * b_col], acc[j]);
  for (int j = 0; j < W; ++j) c[j] = acc[j] + (overwrite ? T(0) : c[j]);
}

// C's tile, full or not.
template <bool kPacked, class T>
void any_kernel(std::int64_t kc, const T* a, const T* b, Strides s, T* c, std::int64_t ldc, int mr,
                int nr, bool overwrite) {
  if (mr == Tile<T>::MR && nr == Tile<T>::NR)
    micro_kernel<kPacked>(kc, a, b, s, c, ldc, overwrite);
  else
    edge_kernel<kPacked>(kc, a, b, s, c, ldc, mr, nr, overwrite);
}

// Packing buffers, one set per calling thread, grown once and reused: after the first products
// of a training run, a matmul allocates nothing. (A matmul running inside a parallel_for task
// runs single-threaded, so each thread's buffers are used by one product at a time.)
template <class T>
std::vector<T>& buffer(int which) {
  thread_local std::vector<T> buffers[3];
  return buffers[which];
}

}  // namespace

template <class T>
void gemm_packed(bool trans_a, bool trans_b, std::int64_t M, std::int64_t N, std::int64_t K,
                 const T* A, std::int64_t lda, const T* B, std::int64_t ldb, T* C, std::int64_t ldc,
                 bool accumulate) {
  using Sizes = Tile<T>;
  if (K == 0) {  // an empty sum: C = 0 (or unchanged)
    if (!accumulate)
      for (std::int64_t i = 0; i < M; ++i) std::fill(C + i * ldc, C + i * ldc + N, T(0));
    return;
  }
  constexpr int MR = Sizes::MR, NR = Sizes::NR;
  const View<T> a{A, trans_a ? 1 : lda, trans_a ? lda : 1};
  const View<T> b{B, trans_b ? 1 : ldb, trans_b ? ldb : 1};
  // Packing pays when each number is used many times. A's numbers are used once per column of
  // C: with few columns (attention's (32 x 16)·(16 x 32), the FFN's (1024 x 176)·(176 x 64))
  // copying A would cost a large part of the product, so the micro-kernel reads whole strips of
  // MR rows of A where they lie (a broadcast load takes one number from anywhere) and only a
  // last, partial strip is packed, with its zeros. B is read in place when it is small (it then
  // stays in L1 anyway), stored row by row (not transposed) and made of whole strips.
  if (M == 1) {  // one row: strips of NR columns, then the last columns one by one; k in
                 // slices of KC, each summed in registers and added to C, as below
    for (std::int64_t p0 = 0; p0 < K; p0 += Sizes::KC) {
      const std::int64_t kc = std::min(Sizes::KC, K - p0);
      const T* a0 = A + p0 * a.col_stride;
      const T* b0 = B + p0 * b.row_stride;
      const bool overwrite = !accumulate && p0 == 0;
      std::int64_t j = 0;
      for (; j + NR <= N; j += NR)
        row_kernel<NR>(kc, a0, a.col_stride, b0 + j * b.col_stride, b.row_stride, b.col_stride,
                       C + j, overwrite);
      for (; j < N; ++j)
        row_kernel<1>(kc, a0, a.col_stride, b0 + j * b.col_stride, b.row_stride, b.col_stride,
                      C + j, overwrite);
    }
    return;
  }
  const bool pack_a = N > 8 * NR;
  const bool pack_b = trans_b || N % NR != 0 || K * N > 4096;
  if (!pack_b && K <= Sizes::KC && M % MR == 0) {
    // Small and in whole tiles (attention's (32 x 16)·(16 x 32), 128 of them per layer): the
    // micro-kernel straight on A and B, with none of the blocking below (which costs more than
    // the arithmetic at this size).
    for (std::int64_t j = 0; j < N; j += NR)
      for (std::int64_t i = 0; i < M; i += MR)
        micro_kernel<false>(K, A + i * a.row_stride, B + j, {a.row_stride, a.col_stride, ldb},
                            C + i * ldc + j, ldc, !accumulate);
    return;
  }
  // Tasks: blocks of MC rows times chunks of kChunk columns of C, so that a product with few
  // rows (the weight gradient x^T dy is (d_in, batch) x (batch, d_out)) still splits.
  constexpr std::int64_t kChunk = 4 * NR;
  const std::int64_t row_blocks = (M + Sizes::MC - 1) / Sizes::MC;
  const std::int64_t padded_rows = (M + MR - 1) / MR * MR;
  const std::int64_t work = M * N * K;
  std::vector<T>& packed_a = buffer<T>(0);
  std::vector<T>& packed_b = buffer<T>(1);
  for (std::int64_t j0 = 0; j0 < N; j0 += Sizes::NC) {
    const std::int64_t nc = std::min(Sizes::NC, N - j0);
    const std::int64_t col_chunks = (nc + kChunk - 1) / kChunk;
    const std::int64_t b_strips = (nc + NR - 1) / NR;
    for (std::int64_t p0 = 0; p0 < K; p0 += Sizes::KC) {
      const std::int64_t kc = std::min(Sizes::KC, K - p0);
      if (pack_b) {
        packed_b.resize(static_cast<std::size_t>(b_strips * NR * kc));
        const View<T> b_columns{B, b.col_stride, b.row_stride};  // op(B)^T: columns as rows
        parallel_for_if_large(b_strips, work, [&](std::int64_t s) {
          pack<NR>(b_columns, j0 + s * NR, std::min<std::int64_t>(NR, nc - s * NR), p0, kc,
                   packed_b.data() + s * NR * kc);
        });
      }
      if (pack_a) {  // all of op(A)'s rows for this slice of k, each MC-row block packed once
        packed_a.resize(static_cast<std::size_t>(padded_rows * kc));
        parallel_for_if_large(row_blocks, work, [&](std::int64_t block) {
          const std::int64_t i0 = block * Sizes::MC;
          pack<MR>(a, i0, std::min(Sizes::MC, M - i0), p0, kc, packed_a.data() + i0 * kc);
        });
      }
      const bool overwrite = !accumulate && p0 == 0;
      // C's tile at rows [i, i + mr) and columns [j0 + jr, ...), from whichever operands are
      // packed.
      auto tile = [&](std::int64_t i, std::int64_t jr, int mr, int nr) {
        T* c = C + i * ldc + j0 + jr;
        const T* pb = pack_b ? packed_b.data() + jr * kc : B + p0 * ldb + j0 + jr;
        const std::int64_t b_step = pack_b ? NR : ldb;
        if (pack_a && pack_b) {
          any_kernel<true>(kc, packed_a.data() + i * kc, pb, {}, c, ldc, mr, nr, overwrite);
        } else if (pack_a) {
          any_kernel<false>(kc, packed_a.data() + i * kc, pb, {1, MR, b_step}, c, ldc, mr, nr,
                            overwrite);
        } else if (mr == MR) {
          const T* pa = A + i * a.row_stride + p0 * a.col_stride;
          any_kernel<false>(kc, pa, pb, {a.row_stride, a.col_stride, b_step}, c, ldc, mr, nr,
                            overwrite);
        } else {  // the last, partial strip of rows: packed here, with zeros below
          std::vector<T>& strip = buffer<T>(2);
          strip.resize(static_cast<std::size_t>(MR * kc));
          pack<MR>(a, i, mr, p0, kc, strip.data());
          any_kernel<false>(kc, strip.data(), pb, {1, MR, b_step}, c, ldc, mr, nr, overwrite);
        }
      };
      parallel_for_if_large(row_blocks * col_chunks, work, [&](std::int64_t t) {
        const std::int64_t i0 = t / col_chunks * Sizes::MC, mc = std::min(Sizes::MC, M - i0);
        const std::int64_t c0 = t % col_chunks * kChunk, c1 = std::min(nc, c0 + kChunk);
        for (std::int64_t jr = c0; jr < c1; jr += NR)
          for (std::int64_t ir = 0; ir < mc; ir += MR)
            tile(i0 + ir, jr, static_cast<int>(std::min<std::int64_t>(MR, mc - ir)),
                 static_cast<int>(std::min<std::int64_t>(NR, c1 - jr)));
      });
    }
  }
}

template <class T>
void gemm_packed_from(std::int64_t first, bool trans_a, bool trans_b, std::int64_t M,
                      std::int64_t N, std::int64_t K, const T* A, std::int64_t lda, const T* B,
                      std::int64_t ldb, T* C, std::int64_t ldc) {
  if (first >= K) {  // every term is zero
    for (std::int64_t i = 0; i < M; ++i) std::fill(C + i * ldc, C + i * ldc + N, T(0));
    return;
  }
  // Where step p of k starts in each operand: a row of the stored matrix, or a column.
  auto a_at = [&](std::int64_t p) { return trans_a ? A + p * lda : A + p; };
  auto b_at = [&](std::int64_t p) { return trans_b ? B + p : B + p * ldb; };
  // [first, split) is the rest of the slice `first` falls in; [split, K) the whole slices after.
  const std::int64_t split = std::min(K, (first + kDepthBlock - 1) / kDepthBlock * kDepthBlock);
  if (split > first)
    gemm_packed(trans_a, trans_b, M, N, split - first, a_at(first), lda, b_at(first), ldb, C, ldc,
                false);
  if (split < K)
    gemm_packed(trans_a, trans_b, M, N, K - split, a_at(split), lda, b_at(split), ldb, C, ldc,
                /*accumulate=*/split > first);
}

template void gemm_packed_from<float>(std::int64_t, bool, bool, std::int64_t, std::int64_t,
                                      std::int64_t, const float*, std::int64_t, const float*,
                                      std::int64_t, float*, std::int64_t);
template void gemm_packed_from<double>(std::int64_t, bool, bool, std::int64_t, std::int64_t,
                                       std::int64_t, const double*, std::int64_t, const double*,
                                       std::int64_t, double*, std::int64_t);
template void gemm_packed<float>(bool, bool, std::int64_t, std::int64_t, std::int64_t, const float*,
                                 std::int64_t, const float*, std::int64_t, float*, std::int64_t,
                                 bool);
template void gemm_packed<double>(bool, bool, std::int64_t, std::int64_t, std::int64_t,
                                  const double*, std::int64_t, const double*, std::int64_t, double*,
                                  std::int64_t, bool);

}  // namespace tg::kernels
