// The fast floor's machinery: the packed matmul kernel against the reference loop on awkward
// sizes, the thread pool, the memory pool, and the fused attention op against its composite
// form. (Each fast op against its readable twin: test_floors.cpp.)
#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <new>
#include <stdexcept>

#include "core/fast/gemm_packed.hpp"
#include "core/fast/memory_pool.hpp"
#include "core/fast/multiply_add.hpp"
#include "core/fast/parallel.hpp"
#include "core/gemm.hpp"
#include "helpers.hpp"

using namespace tg;
using namespace tg::testing;

namespace {
// C = op(A) op(B) by both kernels from the same random A and B; the largest relative difference.
template <class T>
double kernel_difference(bool ta, bool tb, std::int64_t M, std::int64_t N, std::int64_t K,
                         std::uint64_t seed) {
  Generator gen(seed);
  const DType dt = std::is_same_v<T, float> ? float32 : float64;
  const Tensor a = randn({M * K}, gen, dt), b = randn({K * N}, gen, dt);
  std::vector<T> reference(static_cast<std::size_t>(M * N), T(1)),
      packed(static_cast<std::size_t>(M * N), T(1));  // both accumulate onto 1s
  kernels::gemm(ta, tb, M, N, K, a.data<T>(), b.data<T>(), reference.data());
  kernels::gemm_packed(ta, tb, M, N, K, a.data<T>(), b.data<T>(), packed.data());
  double worst = 0;
  for (std::size_t i = 0; i < packed.size(); ++i)
    worst = std::max(worst, std::abs(static_cast<double>(packed[i] - reference[i])) /
                                (1.0 + std::abs(static_cast<double>(reference[i]))));
  return worst;
}
}  // namespace

TEST_CASE("the packed matmul kernel equals the reference on awkward sizes, transposed or not") {
  for (int threads : {1, 2, 3}) {
    set_num_threads(threads);
    for (auto [M, N, K] : {std::tuple<std::int64_t, std::int64_t, std::int64_t>{1, 1, 1},
                           {7, 7, 7},
                           {33, 33, 33},
                           {1, 257, 33},
                           {257, 1, 7},
                           {33, 7, 257},
                           {130, 70, 300},
                           {257, 257, 257},
                           {5, 600, 3},
                           {3000, 2, 2},
                           // each path: small B read in place, in whole tiles or not (M = 13),
                           // and just too large to be (K x N > 4096)
                           {32, 32, 16},
                           {40, 64, 48},
                           {13, 32, 16},
                           {16, 64, 100},
                           // one row (a KV-cached generation step): whole strips and an edge
                           {1, 70, 129}})
      for (bool ta : {false, true})
        for (bool tb : {false, true}) {
          CAPTURE(threads);
          CAPTURE(M);
          CAPTURE(N);
          CAPTURE(K);
          CAPTURE(ta);
          CAPTURE(tb);
          const auto seed = static_cast<std::uint64_t>(M * 7 + N * 11 + K * 13);
          CHECK(kernel_difference<double>(ta, tb, M, N, K, seed) < 1e-12);
          CHECK(kernel_difference<float>(ta, tb, M, N, K, seed) < 1e-4);
        }
  }
  set_num_threads(2);
}

TEST_CASE("a product of one row equals that row of a larger product, bit for bit") {
  // A generation step with the KV cache multiplies one row (row_kernel); the same row inside a
  // product of 16 rows goes through the packed tiles. Both sum over k in the same slices of KC,
  // with the same fused multiply-adds (core/fast/multiply_add.hpp; the compiler fuses none of its
  // own): equal on any CPU and -march, which CI checks by building this for x86-64-v2, -v3, -v4
  // and portably. (Under Zen tuning the compiler left the scalar edge columns unfused, and
  // K = 300, N = 70 differed in the last bit: issue 25.)
  fast::Scope fast_floor(true);
  Generator gen(17);
  for (DType dtype : {float32, float64})
    for (auto [K, N, transposed] : {std::tuple<std::int64_t, std::int64_t, bool>{128, 128, true},
                                    {700, 352, true},
                                    {300, 70, false},
                                    {300, 70, true},
                                    {1000, 97, false},
                                    {513, 1, true},
                                    {33, 32, false}}) {
      CAPTURE(K);
      CAPTURE(N);
      const Tensor a = randn({16, K}, gen, dtype);
      const Tensor b = transposed ? randn({N, K}, gen, dtype) : randn({K, N}, gen, dtype);
      auto product = [&](const Tensor& x) { return transposed ? linear(x, b) : matmul(x, b); };
      const Tensor row = slice(a, 0, 3, 4);
      CHECK(product(row).to_vector() == slice(product(a), 0, 3, 4).to_vector());
    }
}

TEST_CASE("the packed kernel with accumulate = false overwrites C without reading it") {
  for (auto [M, N, K] : {std::tuple<std::int64_t, std::int64_t, std::int64_t>{5, 40, 300},
                         {70, 3, 1},
                         {4, 4, 0},
                         {16, 32, 16},
                         {13, 32, 16}}) {
    Generator gen(3);
    const Tensor a = randn({M * K}, gen, float64), b = randn({K * N}, gen, float64);
    std::vector<double> c(static_cast<std::size_t>(M * N), NAN), reference(c.size(), 0.0);
    kernels::gemm_packed(false, false, M, N, K, a.data<double>(), b.data<double>(), c.data(),
                         false);
    kernels::gemm(false, false, M, N, K, a.data<double>(), b.data<double>(), reference.data());
    for (std::size_t i = 0; i < c.size(); ++i) REQUIRE(std::abs(c[i] - reference[i]) < 1e-12);
  }
}

namespace {
// Rows 0..rows-1, columns 0..cols-1 of a row-major matrix whose rows are ld apart: as a
// contiguous (rows, cols) copy.
template <class T>
std::vector<T> block_of(const std::vector<T>& x, std::int64_t rows, std::int64_t cols,
                        std::int64_t ld) {
  std::vector<T> out;
  for (std::int64_t r = 0; r < rows; ++r)
    out.insert(out.end(), x.begin() + r * ld, x.begin() + r * ld + cols);
  return out;
}
// A (rows, cols) block with rows ld apart, random, in a buffer that ends at its last number (so
// that the sanitizer build catches a read past it).
template <class T>
std::vector<T> random_block(std::int64_t rows, std::int64_t cols, std::int64_t ld, Generator& gen) {
  const std::int64_t size = rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols;
  std::vector<T> x(static_cast<std::size_t>(size));
  for (T& v : x) v = static_cast<T>(gen.normal());
  return x;
}

template <class T>
void check_leading_dimensions() {
  // The sizes take each path of the kernel: small, B read in place (32 x 32 x 16, 13 rows); B
  // packed (N = 16, transposed); A packed (N = 300); B in place past one slice of k (K = 200);
  // A packed with B in place (N = 144, doubles); and K = 0.
  for (auto [M, N, K] : {std::tuple<std::int64_t, std::int64_t, std::int64_t>{32, 32, 16},
                         {13, 32, 16},
                         {16, 16, 32},
                         {13, 7, 40},
                         {40, 300, 200},
                         {16, 32, 200},
                         {8, 144, 16},
                         {9, 33, 0}})
    for (bool ta : {false, true})
      for (bool tb : {false, true})
        for (bool accumulate : {false, true}) {
          CAPTURE(M);
          CAPTURE(N);
          CAPTURE(K);
          CAPTURE(ta);
          CAPTURE(tb);
          CAPTURE(accumulate);
          Generator gen(static_cast<std::uint64_t>(M + N + K));
          const std::int64_t a_rows = ta ? K : M, a_cols = ta ? M : K;
          const std::int64_t b_rows = tb ? N : K, b_cols = tb ? K : N;
          const std::int64_t lda = a_cols + 5, ldb = b_cols + 5, ldc = N + 5;
          const std::vector<T> a = random_block<T>(a_rows, a_cols, lda, gen);
          const std::vector<T> b = random_block<T>(b_rows, b_cols, ldb, gen);
          const std::vector<T> a_block = block_of(a, a_rows, a_cols, lda);
          const std::vector<T> b_block = block_of(b, b_rows, b_cols, ldb);
          std::vector<T> c(static_cast<std::size_t>(M * ldc), T(7)),
              expected(static_cast<std::size_t>(M * N), T(7));
          kernels::gemm_packed(ta, tb, M, N, K, a.data(), lda, b.data(), ldb, c.data(), ldc,
                               accumulate);
          kernels::gemm_packed(ta, tb, M, N, K, a_block.data(), b_block.data(), expected.data(),
                               accumulate);
          for (std::int64_t i = 0; i < M; ++i)
            for (std::int64_t j = 0; j < ldc; ++j)
              REQUIRE(c[static_cast<std::size_t>(i * ldc + j)] ==
                      (j < N ? expected[static_cast<std::size_t>(i * N + j)] : T(7)));
        }
}

template <class T>
void check_sum_from() {
  // op(A)'s first `first` columns are zeros in the whole product and NaN for gemm_packed_from,
  // which must not read them and must give the whole product's numbers exactly: for K > 192 its
  // sum is split where the kernel's slices split (a sum begun at `first` in one go would round
  // differently).
  const std::int64_t M = 24, N = 40;
  for (std::int64_t K : {40, 256, 500})
    for (std::int64_t first : {std::int64_t{0}, std::int64_t{7}, std::int64_t{32},
                               std::int64_t{191}, std::int64_t{192}, std::int64_t{193}, K - 1, K})
      for (bool ta : {false, true}) {
        if (first > K) continue;
        CAPTURE(K);
        CAPTURE(first);
        CAPTURE(ta);
        Generator gen(static_cast<std::uint64_t>(K + first));
        std::vector<T> a = random_block<T>(M * K, 1, 1, gen), b = random_block<T>(K * N, 1, 1, gen);
        std::vector<T> a_nan = a;
        for (std::int64_t i = 0; i < M; ++i)
          for (std::int64_t p = 0; p < first; ++p) {  // element (i, p) of op(A)
            const std::size_t at = static_cast<std::size_t>(ta ? p * M + i : i * K + p);
            a[at] = T(0);
            a_nan[at] = std::numeric_limits<T>::quiet_NaN();
          }
        std::vector<T> whole(static_cast<std::size_t>(M * N)), from(whole.size());
        kernels::gemm_packed(ta, false, M, N, K, a.data(), b.data(), whole.data(), false);
        kernels::gemm_packed_from(first, ta, false, M, N, K, a_nan.data(), ta ? M : K, b.data(), N,
                                  from.data(), N);
        for (std::size_t i = 0; i < whole.size(); ++i) REQUIRE(from[i] == whole[i]);
      }
}
}  // namespace

TEST_CASE("the packed kernel with leading dimensions equals it on copies of the blocks") {
  // Each operand is a block of a wider matrix (ld = width + 5), and C's block sits inside a
  // matrix of 7s: the strided call must give bit for bit what the contiguous call gives on
  // copies of the blocks, and leave every number outside C's block alone.
  check_leading_dimensions<float>();
  check_leading_dimensions<double>();
}

TEST_CASE("gemm_packed_from sums from k = first and rounds as the whole product does") {
  check_sum_from<float>();
  check_sum_from<double>();
}

TEST_CASE("matmul gives bit-identical results with 1, 2 and 3 threads, batched or not") {
  fast::Scope fast_floor;  // the threads are the fast floor's
  Generator gen(8);
  const Tensor a = randn({3, 300, 200}, gen), b = randn({3, 200, 150}, gen);
  const Tensor w = randn({64, 200}, gen);
  std::vector<std::vector<double>> results;
  for (int threads : {1, 2, 3}) {
    set_num_threads(threads);
    std::vector<double> r = matmul(a, b).to_vector();
    const std::vector<double> l = linear(slice(a, 0, 0, 1).reshape({300, 200}), w).to_vector();
    r.insert(r.end(), l.begin(), l.end());
    results.push_back(r);
  }
  set_num_threads(2);
  CHECK(results[0] == results[1]);
  CHECK(results[0] == results[2]);
  // And the reference kernel agrees to rounding.
  std::vector<double> reference;
  {
    fast::Scope readable(false);
    reference = matmul(a, b).to_vector();
  }
  for (std::size_t i = 0; i < reference.size(); ++i)
    REQUIRE(std::abs(reference[i] - results[0][i]) < 1e-3);
}

TEST_CASE("parallel_for runs every task once, nests inline, and passes on an exception") {
  set_num_threads(2);
  std::vector<std::atomic<int>> seen(1000);
  parallel_for(1000, [&](std::int64_t i) {
    seen[static_cast<std::size_t>(i)]++;
    parallel_for(3, [&](std::int64_t) {});  // nested: runs on this thread, no deadlock
  });
  for (const auto& s : seen) REQUIRE(s.load() == 1);
  CHECK_THROWS_WITH_AS(parallel_for(10,
                                    [](std::int64_t i) {
                                      if (i == 7) throw std::runtime_error("task 7 failed");
                                    }),
                       "task 7 failed", std::runtime_error);
  parallel_for(0, [](std::int64_t) { FAIL("no task to run"); });
  CHECK(get_num_threads() == 2);
  CHECK_THROWS_AS(set_num_threads(0), Error);
}

TEST_CASE("the memory pool refuses a request too large to round up, with std::bad_alloc") {
  // Rounding a request up to its size class wrapped around past SIZE_MAX: SIZE_MAX bytes, or
  // anything from 2^64 - 2^61 + 1 on, came back as a small block (issue 25). No object can be
  // larger than PTRDIFF_MAX bytes, so every request above it is refused.
  const std::size_t max = std::numeric_limits<std::size_t>::max();
  for (std::size_t bytes : {max, max - 63, max - (std::size_t{1} << 61) + 2,
                            static_cast<std::size_t>(PTRDIFF_MAX) + 1}) {
    CAPTURE(bytes);
    CHECK_THROWS_AS(pool_allocate(bytes), std::bad_alloc);
  }
  void* block = pool_allocate(1000);  // and the pool still works
  CHECK(block != nullptr);
  pool_free(block, 1000);
}

TEST_CASE("the memory pool hands a freed buffer out again for the same size") {
  fast::Scope fast_floor;                 // the pool is the fast floor's
  { const Tensor warm = zeros({1234}); }  // one 1234-float buffer is now cached
  const MemoryPoolStats before = memory_pool_stats();
  {
    const Tensor again = zeros({1234});
    CHECK(again.at({1233}) == 0);  // reused memory is zero-filled like new
  }
  const MemoryPoolStats after = memory_pool_stats();
  CHECK(after.requests == before.requests + 1);
  CHECK(after.from_system == before.from_system);
}

TEST_CASE("buffers of ever new sizes do not pile up in the memory pool") {
  // A mixture of experts gives each expert another number of tokens every step. Cached by exact
  // size, its buffers were never reused and the cache grew to 1 GB; size classes bound it.
  fast::Scope fast_floor;
  reset_peak_live_bytes();
  const std::int64_t cached_before = memory_pool_stats().cached_bytes;
  for (std::int64_t n = 20000; n < 60000; n += 17) {  // 2353 sizes from 80 kB to 240 kB
    const Tensor a = zeros({n});
  }
  const MemoryPoolStats after = memory_pool_stats();
  // Each new size reuses the block of its class: at most 9 classes span 80..240 kB.
  CHECK(after.cached_bytes - cached_before <= 9 * 262144);
  // The last size was 59984 floats; 59999 were never asked for, but share its class (256 kB).
  { const Tensor b = zeros({59999}); }
  CHECK(memory_pool_stats().from_system == after.from_system);
}

TEST_CASE("the memory pool counts the bytes alive now and at the peak") {
  fast::Scope fast_floor;
  reset_peak_live_bytes();
  const std::int64_t base = memory_pool_stats().live_bytes;
  CHECK(memory_pool_stats().peak_live_bytes == base);
  {
    const Tensor a = zeros({1000});  // 4000 bytes, rounded up to whole 64-byte lines: 4032
    CHECK(memory_pool_stats().live_bytes == base + 4032);
    { const Tensor b = zeros({1000}, float64); }  // 8000 bytes, alive for a moment
    CHECK(memory_pool_stats().live_bytes == base + 4032);
    CHECK(memory_pool_stats().peak_live_bytes == base + 4032 + 8000);
    const Tensor small = zeros({10});  // 40 bytes: a small block, not counted
    CHECK(memory_pool_stats().live_bytes == base + 4032);
  }
  CHECK(memory_pool_stats().live_bytes == base);
  reset_peak_live_bytes();
  CHECK(memory_pool_stats().peak_live_bytes == base);
}

namespace {
// The fused op and the composite form, the same function of `inputs` computed two ways: equal
// values to 1e-13 and equal gradients of sum(out * seed), for a random seed, to 1e-12.
void check_against_composite(const Tensor& fused, const Tensor& composite,
                             const std::vector<Tensor>& inputs) {
  check_values(fused, composite.to_vector(), 1e-13);
  Generator gen(4);
  const Tensor seed = randn(fused.shape(), gen, float64);
  (fused * seed).sum().backward();
  std::vector<std::vector<double>> grads;
  for (const Tensor& t : inputs) grads.push_back(t.grad().to_vector()), t.zero_grad();
  (composite * seed).sum().backward();
  for (std::size_t i = 0; i < inputs.size(); ++i) check_values(inputs[i].grad(), grads[i], 1e-12);
}
}  // namespace

TEST_CASE("fused attention equals the composite form, values and gradients") {
  for (bool causal : {true, false}) {
    CAPTURE(causal);
    const Tensor q = random_var({2, 3, 5, 4}, 61), k = random_var({2, 3, 5, 4}, 62),
                 v = random_var({2, 3, 5, 6}, 63);
    const Tensor fused = scaled_dot_product_attention(q, k, v, causal);
    Tensor scores = matmul(q, transpose(k, -2, -1)) * 0.5;  // 1/sqrt(4)
    if (causal) {
      Tensor mask = zeros({5, 5}, float64);
      for (std::int64_t i = 0; i < 5; ++i)
        for (std::int64_t j = i + 1; j < 5; ++j) mask.set({i, j}, 1);
      scores = masked_fill(scores, mask, -INFINITY);
    }
    check_against_composite(fused, matmul(softmax(scores, -1), v), {q, k, v});
    check_gradients(
        [causal](const std::vector<Tensor>& in) {
          return scaled_dot_product_attention(in[0], in[1], in[2], causal);
        },
        {random_var({2, 3, 4}, 64), random_var({2, 3, 4}, 65), random_var({2, 3, 2}, 66)});
  }
  CHECK_ERROR_STARTS(
      [] {
        scaled_dot_product_attention(zeros({2, 3, 4}), zeros({2, 3, 5}), zeros({2, 3, 4}), true);
      },
      "scaled_dot_product_attention: shapes do not fit");
}

TEST_CASE("causal attention in strips of queries equals the composite form") {
  // The op computes causal products in strips of 32 queries, skipping the masked keys. Against
  // the composite (matmul, masked_fill, softmax, matmul), values and gradients, with heads side by
  // side (ld = H * d) as a projection makes them:
  //   T = 37: a whole strip and a partial one; S = 45 > T leaves keys 37..44 that no query sees;
  //   d = e = 16: q, k, v and dout read in place by the kernel (whole tiles, not packed);
  //   T = 20, S = 40: the second strip of keys starts after the last query (an empty sum);
  //   T = 200: sums longer than the kernel's slices of 192, split where the whole sum's are.
  for (auto [B, T, S, H, d, e] : {std::array<std::int64_t, 6>{1, 37, 45, 3, 4, 5},
                                  {2, 40, 40, 2, 16, 16},
                                  {1, 20, 40, 2, 4, 4},
                                  {1, 200, 200, 1, 4, 3}}) {
    CAPTURE(T);
    CAPTURE(S);
    CAPTURE(d);
    const Tensor q = random_var({B, T, H * d}, 91), k = random_var({B, S, H * d}, 92),
                 v = random_var({B, S, H * e}, 93);
    const auto split = [&](const Tensor& t, std::int64_t rows, std::int64_t width) {
      return permute(t.reshape({B, rows, H, width}), {0, 2, 1, 3});  // (B, H, rows, width)
    };
    const Tensor fused = scaled_dot_product_attention_heads(q, k, v, H, true);
    Tensor mask = zeros({T, S}, float64);
    for (std::int64_t i = 0; i < T; ++i)
      for (std::int64_t j = i + 1; j < S; ++j) mask.set({i, j}, 1);
    const Tensor scores = masked_fill(matmul(split(q, T, d), transpose(split(k, S, d), -2, -1)) *
                                          (1.0 / std::sqrt(static_cast<double>(d))),
                                      mask, -INFINITY);
    const Tensor composite =
        permute(matmul(softmax(scores, -1), split(v, S, e)), {0, 2, 1, 3}).reshape({B, T, H * e});
    // (The gradients include the keys no query sees: exactly 0 in the composite.)
    check_against_composite(fused, composite, {q, k, v});
  }
  check_gradients(  // two strips of queries and of keys
      [](const std::vector<Tensor>& in) {
        return scaled_dot_product_attention_heads(in[0], in[1], in[2], 2, true);
      },
      {random_var({1, 35, 4}, 94), random_var({1, 36, 4}, 95), random_var({1, 36, 6}, 96)});
}

TEST_CASE("scaled_dot_product_attention_heads equals split heads, attention, merged heads") {
  // q, k (B=2, T=5, H=3 heads of d=4), v (2, 5, 3 heads of e=2): the layout a projection makes.
  const std::int64_t B = 2, T = 5, H = 3, d = 4, e = 2;
  const auto split = [&](const Tensor& t, std::int64_t width) {
    return permute(t.reshape({B, T, H, width}), {0, 2, 1, 3});  // (B, H, T, width)
  };
  for (bool causal : {true, false}) {
    CAPTURE(causal);
    const Tensor q = random_var({B, T, H * d}, 71), k = random_var({B, T, H * d}, 72),
                 v = random_var({B, T, H * e}, 73);
    const Tensor fused = scaled_dot_product_attention_heads(q, k, v, H, causal);
    REQUIRE(fused.shape() == Shape{B, T, H * e});
    const Tensor by_heads =
        permute(scaled_dot_product_attention(split(q, d), split(k, d), split(v, e), causal),
                {0, 2, 1, 3})
            .reshape({B, T, H * e});
    // The same products on the same numbers: equal to the last bit, values and gradients.
    CHECK(fused.to_vector() == by_heads.to_vector());
    Generator gen(5);
    const Tensor seed = randn(fused.shape(), gen, float64);
    (fused * seed).sum().backward();
    std::vector<std::vector<double>> grads;
    for (const Tensor& t : {q, k, v}) grads.push_back(t.grad().to_vector()), t.zero_grad();
    (by_heads * seed).sum().backward();
    CHECK(q.grad().to_vector() == grads[0]);
    CHECK(k.grad().to_vector() == grads[1]);
    CHECK(v.grad().to_vector() == grads[2]);
    check_gradients(
        [causal](const std::vector<Tensor>& in) {
          return scaled_dot_product_attention_heads(in[0], in[1], in[2], 2, causal);
        },
        {random_var({2, 3, 4}, 74), random_var({2, 3, 4}, 75), random_var({2, 3, 6}, 76)});
  }
  // More keys than queries (S = 7, T = 5; causal: query i sees keys 0..i) and fewer (S = 3,
  // not causal), and one head, whose columns are already contiguous: against split heads.
  for (auto [S, heads, causal] : {std::tuple<std::int64_t, std::int64_t, bool>{7, 3, true},
                                  {7, 3, false},
                                  {3, 3, false},
                                  {5, 1, true}}) {
    CAPTURE(S);
    CAPTURE(heads);
    const Tensor q = random_var({B, T, heads * d}, 78), k = random_var({B, S, heads * d}, 79),
                 v = random_var({B, S, heads * e}, 80);
    const auto split_rows = [&](const Tensor& t, std::int64_t rows, std::int64_t width) {
      return permute(t.reshape({B, rows, heads, width}), {0, 2, 1, 3});
    };
    const Tensor by_heads =
        permute(scaled_dot_product_attention(split_rows(q, T, d), split_rows(k, S, d),
                                             split_rows(v, S, e), causal),
                {0, 2, 1, 3})
            .reshape({B, T, heads * e});
    CHECK(scaled_dot_product_attention_heads(q, k, v, heads, causal).to_vector() ==
          by_heads.to_vector());
    check_gradients(
        [heads = heads, causal = causal](const std::vector<Tensor>& in) {
          return scaled_dot_product_attention_heads(in[0], in[1], in[2], heads, causal);
        },
        {random_var({1, 2, heads * 2}, 81), random_var({1, S % 4 + 2, heads * 2}, 82),
         random_var({1, S % 4 + 2, heads * 3}, 83)});
  }
  const auto attend = [](const Shape& q, const Shape& kv, std::int64_t heads) {
    return thrown_by(
        [&] { scaled_dot_product_attention_heads(zeros(q), zeros(kv), zeros(kv), heads, true); });
  };
  const std::string op = "scaled_dot_product_attention_heads: ";
  CHECK(attend({2, 3, 6}, {2, 3, 6}, 4).message ==
        op + "shapes do not fit: q (2,3,6), k (2,3,6), v (2,3,6) with 4 heads (need q (B, T, H*d), "
             "k (B, S, H*d), v (B, S, H*e))");
  CHECK(attend({2, 3, 6}, {2, 3, 6}, 0).message == op + "needs at least one head, got 0");
  CHECK_ERROR_STARTS(attend({3, 6}, {3, 6}, 2), op + "needs q (B, T, H*d)");
  CHECK(attend({1, 4, 6}, {1, 2, 6}, 2).message ==
        op + "causal attention needs at least as many keys as queries, got T=4 and S=2");
}

TEST_CASE("fused attention keeps no tensor of its own for the backward pass") {
  // The tape's saved tensors are the op's output and its inputs (held by whoever made them);
  // the (T, T) weights are computed again in backward, not kept.
  const Tensor x = random_var({1, 16, 8}, 77);
  const Tensor q = x * 1.0, k = x * 2.0, v = x * 3.0;  // intermediates: counted by saved_bytes
  const std::int64_t before = current_tape().saved_bytes();
  const Tensor out = scaled_dot_product_attention_heads(q, k, v, 2, true);
  CHECK(current_tape().saved_bytes() - before == out.numel() * 8);
  current_tape().clear();
}

TEST_CASE("product_error gives the exact rounding error of a product, with or without FMA") {
  // a * b of two floats is exact in double, so the error of the float product is known exactly;
  // the FMA form and Dekker's split (a build without FMA) must both give it (multiply_add.hpp).
  Generator gen(12);
  for (int i = 0; i < 100000; ++i) {
    const auto a = static_cast<float>(gen.normal() * std::exp(10 * gen.normal()));
    const auto b = static_cast<float>(gen.normal() * std::exp(10 * gen.normal()));
    const float p = a * b;
    if (!std::isfinite(p) || std::abs(p) < 1e-30f || std::abs(p) > 1e30f) continue;
    const double exact = static_cast<double>(a) * static_cast<double>(b) - static_cast<double>(p);
    REQUIRE(static_cast<double>(fast::product_error(a, b, p)) == exact);
  }
  CHECK(fast::multiply_add(3.0, 4.0, 1.0) == 13.0);
}
