// Tensor basics: factories, element access, dtypes, printing, random generators.
#include "helpers.hpp"

using namespace tg;
using namespace tg::testing;

TEST_CASE("factories make the shapes and values they name") {
  check_values(zeros({2, 3}), {0, 0, 0, 0, 0, 0});
  check_values(ones({2}), {1, 1});
  check_values(full({2, 2}, 7.5), {7.5, 7.5, 7.5, 7.5});
  check_values(arange(0, 5), {0, 1, 2, 3, 4});
  check_values(arange(1, 2, 0.25), {1, 1.25, 1.5, 1.75});
  check_values(arange(5, 0, -2), {5, 3, 1});
  check_values(linspace(-1, 1, 5), {-1, -0.5, 0, 0.5, 1});
  CHECK(linspace(0, 1, 1).item() == 0.0);
  CHECK(linspace(0, 1, 0).numel() == 0);
  const Tensor t = tensor({1, 2, 3, 4, 5, 6}, {2, 3});
  CHECK(t.shape() == Shape{2, 3});
  CHECK(t.at({1, 0}) == 4.0);
  CHECK(t.size(-1) == 3);
  CHECK(scalar(2.5).shape().empty());
  CHECK(scalar(2.5).item() == 2.5);
  CHECK(zeros({2, 3}).dtype() == float32);
  CHECK(zeros({2, 3}, float64).dtype() == float64);
}

TEST_CASE("copies share data, clone and to copy it") {
  const Tensor a = tensor({1, 2, 3});
  const Tensor b = a;  // another handle to the same tensor
  b.set({0}, 10);
  CHECK(a.at({0}) == 10);
  const Tensor c = a.clone();
  c.set({1}, 20);
  CHECK(a.at({1}) == 2);
  const Tensor d = a.to(float64);
  CHECK(d.dtype() == float64);
  check_values(d, {10, 2, 3});
  const Tensor r = a.reshape({3, 1});  // reshape shares storage
  r.set({2, 0}, 30);
  CHECK(a.at({2}) == 30);
  CHECK(a.detach().data<float>() == a.data<float>());
}

TEST_CASE("element access checks indices and dtypes") {
  const Tensor t = zeros({2, 3});
  CHECK_ERROR([&] { t.at({2, 0}); }, "index 2 is out of range for axis 0 of shape (2,3)");
  CHECK_ERROR([&] { t.at({0}); }, "index has 1 entries");
  CHECK_ERROR([&] { t.item(); }, "item: needs a one-element tensor, got shape (2,3)");
  CHECK_ERROR([&] { t.data<double>(); }, "asked for float64 elements of a float32");
  CHECK_ERROR([&] { tensor({1, 2, 3}, {2, 2}); }, "3 values do not fill shape (2,2)");
  CHECK_ERROR([&] { Tensor().shape(); }, "undefined");
  CHECK_ERROR([&] { zeros({2, -1}); }, "negative size");
  CHECK(error_of([&] {
          zeros({1LL << 32, 1LL << 32});
        }) ==
        "zeros: a float32 tensor of shape (4294967296,4294967296) needs more bytes than can be "
        "addressed (the limit is 2^47 = 128 TiB)");
  CHECK_ERROR_STARTS([&] { arange(0, 1e15); }, "arange: would make");
}

TEST_CASE("tensors print like PyTorch") {
  CHECK(to_string(tensor({1, 2, 3})) == "tensor([1., 2., 3.])");
  CHECK(to_string(tensor({1, -2.5, 3, 4}, {2, 2})) ==
        "tensor([[ 1.0000, -2.5000],\n"
        "        [ 3.0000,  4.0000]])");
  CHECK(to_string(scalar(0.5, float64)) == "tensor(0.5000, dtype=float64)");
  CHECK(to_string(tensor({1e-5, 1})) == "tensor([1.0000e-05, 1.0000e+00])");
  Tensor x = tensor({1, 2});
  x.requires_grad_();
  CHECK(to_string(x) == "tensor([1., 2.], requires_grad=True)");
  CHECK(to_string(x * 2.0) == "tensor([2., 4.], grad_fn=<mul>)");
  current_tape().clear();
  CHECK(to_string(zeros({0, 3})) == "tensor([], size=(0,3))");
  CHECK(to_string(zeros({2, 2, 2})) ==
        "tensor([[[0., 0.],\n"
        "         [0., 0.]],\n"
        "\n"
        "        [[0., 0.],\n"
        "         [0., 0.]]])");
  const std::string big = to_string(arange(0, 2000));
  CHECK(big == "tensor([   0.,    1.,    2., ..., 1997., 1998., 1999.])");
}

TEST_CASE("random tensors are reproducible from their seed") {
  Generator g1(42), g2(42), g3(43);
  const Tensor a = randn({100}, g1), b = randn({100}, g2), c = randn({100}, g3);
  CHECK(a.to_vector() == b.to_vector());
  CHECK(a.to_vector() != c.to_vector());
  // Moments of 100,000 normal and uniform draws: mean 0 / 0.5, variance 1 / 1/12.
  Generator g(7);
  const std::vector<double> n = randn({100000}, g, float64).to_vector();
  const std::vector<double> u = rand({100000}, g, float64).to_vector();
  double mn = 0, vn = 0, mu = 0, vu = 0;
  for (double v : n) mn += v / 1e5;
  for (double v : n) vn += (v - mn) * (v - mn) / 1e5;
  for (double v : u) mu += v / 1e5;
  for (double v : u) vu += (v - mu) * (v - mu) / 1e5;
  CHECK(std::abs(mn) < 0.01);
  CHECK(std::abs(vn - 1) < 0.02);
  CHECK(std::abs(mu - 0.5) < 0.01);
  CHECK(std::abs(vu - 1.0 / 12) < 0.002);
  for (double v : u) REQUIRE((v >= 0 && v < 1));
  // In float32 too, where a double just below 1 rounds to 1.0f: 2 million draws make it likely.
  Generator g32(3);
  for (double v : rand({2000000}, g32, float32).to_vector()) REQUIRE(v < 1.0);
  const std::vector<double> w = uniform({1000}, -2, 3, g, float64).to_vector();
  for (double v : w) REQUIRE((v >= -2 && v < 3));
  for (int i = 0; i < 1000; ++i) {
    const auto k = g.integer(5);
    REQUIRE((k >= 0 && k < 5));
  }
}

TEST_CASE(
    "a tensor whose bytes overflow or exceed the address space is an error, not a tiny block") {
  // 2^61 float64 = 2^64 bytes, which is 0 in 64 bits; 2^62 float32 the same; 2^46 float64 =
  // 2^49 bytes, past the 2^47 a process can address. Each names the op and the shape.
  const std::int64_t big = std::int64_t{1} << 61;
  CHECK(error_of([&] { zeros({big}, float64); }) ==
        "zeros: a float64 tensor of shape (2305843009213693952,) needs more bytes than can be "
        "addressed (the limit is 2^47 = 128 TiB)");
  CHECK_ERROR_STARTS([] { zeros({std::int64_t{1} << 62}); },
                     "zeros: a float32 tensor of shape (4611686018427387904,)");
  CHECK_ERROR_STARTS([] { ones({std::int64_t{1} << 46}, float64); },
                     "ones: a float64 tensor of shape (70368744177664,) needs more bytes");
  CHECK_ERROR_STARTS([&] { expand(ones({1}, float64), {big}); },
                     "expand: a float64 tensor of shape (2305843009213693952,)");
  CHECK_ERROR_STARTS(
      [&] {
        zeros({1 << 20, 1 << 20, 1 << 20});
      },
      "zeros: a float32 tensor of shape (1048576,1048576,1048576)");
  // Broadcasting two small tensors (32 MB each) to a huge result (2^46 elements) names the op.
  const Tensor column = zeros({std::int64_t{1} << 23, 1}), row = zeros({1, std::int64_t{1} << 23});
  CHECK_ERROR_STARTS([&] { add(column, row); },
                     "add: a float32 tensor of shape (8388608,8388608) needs more bytes");
  CHECK_ERROR_STARTS([&] { matmul(column, row); },
                     "matmul: a float32 tensor of shape (8388608,8388608) needs more bytes");
  Generator gen(1);
  CHECK_ERROR_STARTS([&] { randn({big}, gen, float64); }, "randn: a float64 tensor");
  CHECK_ERROR_STARTS(
      [&] {
        rand({big, 4}, gen);
      },
      "rand: a float32 tensor of shape (2305843009213693952,4)");
  CHECK_ERROR_STARTS([&] { full({big}, 2.0); }, "full: a float32 tensor");
  // A size of 0 anywhere is 0 bytes, however large the rest.
  CHECK(zeros({big, 0}).numel() == 0);
  CHECK(zeros({0, big, big}, float64).numel() == 0);
}
