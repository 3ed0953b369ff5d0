#include <cmath>

#include "exercise_checks.hpp"

using ex::Value;

TEST_SUITE("ex00") {
  TEST_CASE("ex00: known derivatives of L = (a b + c) f") {
    // micrograd's first example. L = d f with d = e + c, e = a b; by hand:
    // dL/df = d = 4, dL/dd = f = -2, dL/dc = dL/dd = -2, dL/de = -2,
    // dL/da = dL/de * b = 6, dL/db = dL/de * a = -4.
    const Value a(2.0), b(-3.0), c(10.0), f(-2.0);
    const Value e = a * b;
    const Value d = e + c;
    const Value L = d * f;
    CHECK(L.data() == -8.0);
    L.backward();
    check_close("L.grad", {L.grad()}, {1}, 0);
    check_close("d.grad", {d.grad()}, {-2}, 0);
    check_close("e.grad", {e.grad()}, {-2}, 0);
    check_close("a.grad b.grad c.grad f.grad", {a.grad(), b.grad(), c.grad(), f.grad()},
                {6, -4, -2, 4}, 0);
  }
  TEST_CASE("ex00: tanh has slope 1 - tanh^2") {
    const Value x(0.5);
    const Value y = tanh(x);
    CHECK(y.data() == doctest::Approx(std::tanh(0.5)));
    y.backward();
    check_close("x.grad", {x.grad()}, {1 - std::tanh(0.5) * std::tanh(0.5)}, 1e-15);
  }
  TEST_CASE("ex00: a value used twice gets both contributions") {
    // b = a + a, c = b + b is c = 4a: every use of a adds its share, so dc/da = 4, not 1 or 2.
    const Value a(3.0);
    const Value b = a + a;
    const Value c = b + b;
    c.backward();
    check_close("a.grad in c = (a + a) + (a + a)", {a.grad()}, {4}, 0);
    // x * x: both inputs are x, so dx = x + x = 2x.
    const Value x(-1.5);
    const Value y = x * x;
    y.backward();
    check_close("x.grad in y = x * x", {x.grad()}, {-3}, 0);
  }
  TEST_CASE("ex00: a neuron's gradients match central differences") {
    // y = tanh(x1 w1 + x2 w2 + bias) * x1: five leaves, x1 used twice.
    const std::vector<double> at = {2.0, 0.0, -3.0, 1.0, 6.8813735870195432};
    const auto f = [](const std::vector<double>& v) {
      const Value x1(v[0]), x2(v[1]), w1(v[2]), w2(v[3]), bias(v[4]);
      return Value(tanh(x1 * w1 + x2 * w2 + bias) * x1);
    };
    std::vector<Value> leaves = {Value(at[0]), Value(at[1]), Value(at[2]), Value(at[3]),
                                 Value(at[4])};
    const Value y = tanh(leaves[0] * leaves[2] + leaves[1] * leaves[3] + leaves[4]) * leaves[0];
    y.backward();
    std::vector<double> yours, numeric;
    for (std::size_t i = 0; i < at.size(); ++i) {
      std::vector<double> up = at, down = at;
      up[i] += 1e-6;
      down[i] -= 1e-6;
      numeric.push_back((f(up).data() - f(down).data()) / 2e-6);
      yours.push_back(leaves[i].grad());
    }
    check_close("grads of x1 x2 w1 w2 bias", yours, numeric, 1e-7);
  }
  TEST_CASE("ex00: a chain of 100000 ops runs backward without recursion") {
    // y = x * 1.00001 * 1.00001 * ... (100,000 times): dy/dx = 1.00001^100000. A recursive
    // topological sort (micrograd's) overflows the stack here.
    const Value x(1.0), step(1.00001);
    Value y = x;
    for (int i = 0; i < 100000; ++i) y = y * step;
    y.backward();
    check_close("x.grad", {x.grad()}, {std::pow(1.00001, 100000)}, 1e-9);
  }
}
