// gradcheck itself: it must fail on a wrong backward and say where.
#include "helpers.hpp"

using namespace tg;
using namespace tg::testing;

namespace {
// x^2 with a deliberately wrong backward (3x instead of 2x): gradcheck must catch it.
Tensor wrong_square(const Tensor& x) {
  Tensor out = mul(x.detach(), x.detach());
  return record("wrong_square", {x}, out,
                [x](const Tensor& g) { accumulate_grad(x, g * x * 3.0); });
}
}  // namespace

TEST_CASE("gradcheck catches a wrong backward and names the element") {
  const Tensor x = var({1, 2, -1}, {3});
  const GradcheckResult r =
      gradcheck([](const std::vector<Tensor>& v) { return wrong_square(v[0]); }, {x});
  CHECK_FALSE(r.ok);
  CHECK(r.message.find("gradcheck: input 0 (shape (3,)), element [0] (value 1): backward gave") ==
        0);
  CHECK(r.message.find("central differences expected") != std::string::npos);
  CHECK(r.max_abs_error > 0.1);  // off by |x_k w_k| for the random projection w
  CHECK(r.checked == 3);
}

TEST_CASE("gradcheck_params restores values and gradients even when f throws") {
  Tensor p = var({1, 2});
  (p * 5.0).sum().backward();  // p.grad = 5, 5
  int calls = 0;
  CHECK_THROWS_AS(gradcheck_params(
                      [&] {
                        if (++calls > 1) fail("f", "fails on the second call");
                        return p * 2.0;
                      },
                      {p}),
                  Error);
  check_values(p, {1, 2});
  check_values(p.grad(), {5, 5});
}

TEST_CASE("gradcheck passes a correct backward, skips fixed inputs, keeps the caller's tensors") {
  Tensor x = var({1, 2}, {2});
  const Tensor fixed = tensor({3, 4}, {2}, float64);
  const GradcheckResult r =
      gradcheck([](const std::vector<Tensor>& v) { return v[0] * v[1]; }, {x, fixed});
  CHECK(r.ok);
  CHECK(r.checked == 2);
  CHECK(r.max_abs_error < 1e-8);
  CHECK_FALSE(x.grad().defined());
  CHECK_ERROR_STARTS(
      [] { gradcheck([](const std::vector<Tensor>& v) { return v[0]; }, {tensor({1})}); },
      "gradcheck: input 0 is float32");
}
