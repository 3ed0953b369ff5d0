#include "exercise_checks.hpp"
#include "layers/rope.hpp"

namespace {
constexpr std::int64_t T = 5, hd = 8;
const nn::RopeTables& tables() {
  static const nn::RopeTables t = nn::rope_tables(T, hd, 10000.0, float64);
  return t;
}
}  // namespace

TEST_SUITE("ex15") {
  TEST_CASE("ex15: rope_forward equals the engine's apply_rope") {
    const Tensor x = random_var({T, hd}, 40).detach();
    check_values("out", ex::rope_forward(x, tables().cos, tables().sin),
                 nn::apply_rope(x, tables()), 1e-12);
  }
  TEST_CASE("ex15: rope_backward equals the tape's gradient and central differences") {
    Tensor x = random_var({T, hd}, 41);
    const Tensor g = random_var({T, hd}, 42).detach();
    nn::apply_rope(x, tables()).backward(g);
    const Tensor dx = ex::rope_backward(g, tables().cos, tables().sin);
    check_values("dx (tape)", dx, x.grad(), 1e-12);
    const auto loss = [&](const Tensor& v) {
      NoGradGuard no_grad;
      return dot(g, nn::apply_rope(v, tables()));
    };
    check_values("dx (central differences)", dx, numeric_gradient(loss, x), 1e-8);
  }
  TEST_CASE("ex15: the backward is the inverse rotation") {
    // A rotation's Jacobian is the rotation itself, so the backward applies its transpose: the
    // rotation by -angle. Two consequences: backward undoes forward, and backward is forward
    // with the sines negated.
    const Tensor x = random_var({T, hd}, 43).detach();
    const Tensor& cos = tables().cos;
    const Tensor& sin = tables().sin;
    check_values("rope_backward(rope_forward(x))",
                 ex::rope_backward(ex::rope_forward(x, cos, sin), cos, sin), x, 1e-12);
    check_values("rope_backward(g) against rope_forward(g) by -angle",
                 ex::rope_backward(x, cos, sin), ex::rope_forward(x, cos, neg(sin)), 1e-12);
  }
}
