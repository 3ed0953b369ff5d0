// core/gemm_packed.cpp — see gemm_packed.hpp.
#include "core/gemm_packed.hpp"

#include <algorithm>
#include <vector>

#include "core/parallel.hpp"

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
  static constexpr std::int64_t KC = 192;
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
// Either way the micro-kernel then reads W consecutive numbers per step of k.
template <int W, class T>
void pack(const View<T>& x, std::int64_t r0, std::int64_t rows, std::int64_t c0, std::int64_t kc,
          T* packed) {
  for (std::int64_t s = 0; s < rows; s += W, packed += W * kc) {
    const int strip = static_cast<int>(std::min<std::int64_t>(W, rows - s));
    const T* first = x.data + (r0 + s) * x.row_stride + c0 * x.col_stride;  // element (s, 0)
    if (x.row_stride == 1 && strip == W) {  // the W rows lie side by side: copy W at a time
      for (std::int64_t p = 0; p < kc; ++p)
        std::copy(first + p * x.col_stride, first + p * x.col_stride + W, packed + p * W);
      continue;
    }
    for (int i = 0; i < W; ++i)  // along each row, contiguous when col_stride is 1
      for (std::int64_t p = 0; p < kc; ++p)
        packed[p * W + i] = i < strip ? first[i * x.row_stride + p * x.col_stride] : T(0);
  }
}

// With overwrite, C is set to the product rather than added to (the first slice of k, when the
// caller asked for C = A·B).
template <class T>
void micro_kernel(std::int64_t kc, const T* a, const T* b, T* c, std::int64_t ldc, int mr,
                  int nr, bool overwrite) {
  constexpr int MR = Tile<T>::MR, NR = Tile<T>::NR;
  T acc[MR][NR] = {};
  for (std::int64_t p = 0; p < kc; ++p, a += MR, b += NR)
    for (int i = 0; i < MR; ++i)
      for (int j = 0; j < NR; ++j) acc[i][j] += a[i] * b[j];
  if (mr == MR && nr == NR) {
    for (int i = 0; i < MR; ++i)
      for (int j = 0; j < NR; ++j) c[i * ldc + j] = acc[i][j] + (overwrite ? T(0) : c[i * ldc + j]);
  } else {  // an edge tile: only part of it is C
    for (int i = 0; i < mr; ++i)
      for (int j = 0; j < nr; ++j) c[i * ldc + j] = acc[i][j] + (overwrite ? T(0) : c[i * ldc + j]);
  }
}

// Packing buffers, one pair per calling thread, grown once and reused: after the first products
// of a training run, a matmul allocates nothing. (A matmul running inside a parallel_for task
// runs single-threaded, so each thread's pair is used by one product at a time.)
template <class T>
std::vector<T>& buffer(int which) {
  thread_local std::vector<T> buffers[2];
  return buffers[which];
}

}  // namespace

template <class T>
void gemm_packed(bool trans_a, bool trans_b, std::int64_t M, std::int64_t N, std::int64_t K,
                 const T* A, const T* B, T* C, bool accumulate) {
  using Sizes = Tile<T>;
  if (K == 0) {  // an empty sum: C = 0 (or unchanged)
    if (!accumulate) std::fill(C, C + M * N, T(0));
    return;
  }
  constexpr int MR = Sizes::MR, NR = Sizes::NR;
  const View<T> a{A, trans_a ? 1 : K, trans_a ? M : 1};
  const View<T> b{B, trans_b ? 1 : N, trans_b ? K : 1};
  // Tasks: blocks of MC rows times chunks of kChunk columns of C, so that a product with few
  // rows (the weight gradient x^T dy is (d_in, batch) x (batch, d_out)) still splits.
  constexpr std::int64_t kChunk = 4 * NR;
  const std::int64_t row_blocks = (M + Sizes::MC - 1) / Sizes::MC;
  const std::int64_t padded_rows = (M + MR - 1) / MR * MR;
  std::vector<T>& packed_a = buffer<T>(0);
  std::vector<T>& packed_b = buffer<T>(1);
  for (std::int64_t j0 = 0; j0 < N; j0 += Sizes::NC) {
    const std::int64_t nc = std::min(Sizes::NC, N - j0);
    const std::int64_t col_chunks = (nc + kChunk - 1) / kChunk;
    for (std::int64_t p0 = 0; p0 < K; p0 += Sizes::KC) {
      const std::int64_t kc = std::min(Sizes::KC, K - p0);
      packed_b.resize(static_cast<std::size_t>((nc + NR - 1) / NR * NR * kc));
      pack<NR>(View<T>{B, b.col_stride, b.row_stride}, j0, nc, p0, kc, packed_b.data());
      // All of op(A)'s rows for this slice of k, each MC-row block packed once.
      packed_a.resize(static_cast<std::size_t>(padded_rows * kc));
      parallel_for_if_large(row_blocks, M * N * K, [&](std::int64_t block) {
        const std::int64_t i0 = block * Sizes::MC;
        pack<MR>(a, i0, std::min(Sizes::MC, M - i0), p0, kc, packed_a.data() + i0 * kc);
      });
      const T* pa = packed_a.data();
      const T* pb = packed_b.data();
      parallel_for_if_large(row_blocks * col_chunks, M * N * K, [&](std::int64_t t) {
        const std::int64_t i0 = t / col_chunks * Sizes::MC, mc = std::min(Sizes::MC, M - i0);
        const std::int64_t c0 = t % col_chunks * kChunk, c1 = std::min(nc, c0 + kChunk);
        for (std::int64_t jr = c0; jr < c1; jr += NR)
          for (std::int64_t ir = 0; ir < mc; ir += MR)
            micro_kernel(kc, pa + (i0 + ir) * kc, pb + jr * kc, C + (i0 + ir) * N + j0 + jr, N,
                         static_cast<int>(std::min<std::int64_t>(MR, mc - ir)),
                         static_cast<int>(std::min<std::int64_t>(NR, c1 - jr)),
                         !accumulate && p0 == 0);
      });
    }
  }
}

template void gemm_packed<float>(bool, bool, std::int64_t, std::int64_t, std::int64_t,
                                 const float*, const float*, float*, bool);
template void gemm_packed<double>(bool, bool, std::int64_t, std::int64_t, std::int64_t,
                                  const double*, const double*, double*, bool);

}  // namespace tg::kernels
