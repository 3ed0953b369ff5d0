// matmul: 2-D and batched products, broadcast batch axes, gradients, errors.
#include "helpers.hpp"

using namespace tg;
using namespace tg::testing;

using Inputs = const std::vector<Tensor>&;

namespace {
// The textbook triple loop over one (M,K)·(K,N) pair, as the reference for the kernel.
std::vector<double> naive_product(const std::vector<double>& a, const std::vector<double>& b, int M,
                                  int K, int N) {
  std::vector<double> c(static_cast<std::size_t>(M * N), 0.0);
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j)
      for (int k = 0; k < K; ++k) c[i * N + j] += a[i * K + k] * b[k * N + j];
  return c;
}
}  // namespace

TEST_CASE("matmul of 2-D matrices") {
  const Tensor a = tensor({1, 2, 3, 4, 5, 6}, {2, 3}), b = tensor({7, 8, 9, 10, 11, 12}, {3, 2});
  check_values(matmul(a, b), {58, 64, 139, 154});
  for (auto [M, K, N] : {std::tuple{1, 1, 1}, {7, 3, 5}, {33, 17, 9}, {1, 64, 1}}) {
    Generator gen(static_cast<std::uint64_t>(M * 100 + K * 10 + N));
    const Tensor x = randn({M, K}, gen, float64), y = randn({K, N}, gen, float64);
    check_values(matmul(x, y), naive_product(x.to_vector(), y.to_vector(), M, K, N), 1e-12);
  }
}

TEST_CASE("batched matmul broadcasts the batch axes") {
  Generator gen(5);
  const Tensor a = randn({4, 1, 2, 3}, gen, float64), b = randn({3, 3, 5}, gen, float64);
  const Tensor c = matmul(a, b);
  REQUIRE(c.shape() == Shape{4, 3, 2, 5});
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 3; ++j) {
      const Tensor ai = slice(a, 0, i, i + 1).reshape({2, 3});
      const Tensor bj = slice(b, 0, j, j + 1).reshape({3, 5});
      const Tensor cij = slice(slice(c, 0, i, i + 1), 1, j, j + 1).reshape({2, 5});
      check_values(cij, matmul(ai, bj).to_vector(), 1e-12);
    }
}

TEST_CASE("gradcheck: matmul, 2-D, batched, and broadcast batch") {
  check_gradients([](Inputs v) { return matmul(v[0], v[1]); },
                  {random_var({3, 4}, 41), random_var({4, 2}, 42)});
  check_gradients([](Inputs v) { return matmul(v[0], v[1]); },
                  {random_var({2, 3, 4}, 43), random_var({2, 4, 5}, 44)});
  check_gradients([](Inputs v) { return matmul(v[0], v[1]); },
                  {random_var({2, 1, 3, 4}, 45), random_var({3, 4, 2}, 46)});
  check_gradients([](Inputs v) { return matmul(v[0], v[1]); },
                  {random_var({5, 3, 4}, 47), random_var({4, 2}, 48)});
  // The same matrix on both sides: x·x accumulates two contributions into x.grad.
  check_gradients([](Inputs v) { return matmul(v[0], v[0]); }, {random_var({3, 3}, 49)});
}

TEST_CASE("matmul rejects mismatched shapes") {
  CHECK(error_of([] {
          matmul(zeros({2, 3}), zeros({4, 5}));
        }) == "matmul: inner dimensions differ: (2,3) @ (4,5) (3 vs 4)");
  CHECK_ERROR_STARTS(
      [] {
        matmul(zeros({3}), zeros({3, 4}));
      },
      "matmul: needs at least 2 dims on both sides, got (3,) @ (3,4)");
  CHECK(error_of([] {
          matmul(zeros({2, 2, 3}), zeros({3, 3, 4}));
        }) == "matmul: batch dimensions do not broadcast: (2,2,3) @ (3,3,4) (axis -3: 2 vs 3)");
  CHECK(error_of([] {
          matmul(zeros({5, 2, 1, 3}), zeros({4, 3, 4}));
        }) == "matmul: batch dimensions do not broadcast: (5,2,1,3) @ (4,3,4) (axis -3: 2 vs 4)");
}

TEST_CASE("linear with zero input features: every row is the bias, gradients of size zero") {
  for (bool fast_floor : {true, false}) {
    fast::Scope floor(fast_floor);
    for (DType dtype : {float32, float64}) {
      Tensor x = zeros({2, 0}, dtype), w = zeros({4, 0}, dtype),
             b = tensor({1, 2, 3, 4}, {4}, dtype);
      x.requires_grad_();
      w.requires_grad_();
      b.requires_grad_();
      const Tensor y = linear(x, w, b);
      CHECK(y.shape() == Shape{2, 4});
      check_values(y, {1, 2, 3, 4, 1, 2, 3, 4});
      y.backward(ones({2, 4}, dtype));
      CHECK(x.grad().shape() == Shape{2, 0});
      CHECK(w.grad().shape() == Shape{4, 0});
      check_values(b.grad(), {2, 2, 2, 2});
      // leading axes are rows, whatever in is: (3, 2, 0) -> (3, 2, 4)
      CHECK(linear(zeros({3, 2, 0}, dtype), w, b).shape() == Shape{3, 2, 4});
      CHECK(linear(zeros({0, 0}, dtype), w, b).shape() == Shape{0, 4});
    }
  }
}
