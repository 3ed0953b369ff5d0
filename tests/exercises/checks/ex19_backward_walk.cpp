#include "course_engine.hpp"
#include "exercise_checks.hpp"

namespace {
// The engine with only ex19's walk in it: every other piece is the engine's own.
tg::course::Engine walk_only() {
  tg::course::Engine e;
  e.source = "ex19";
  e.backward_walk = ex::backward_walk;
  return e;
}
}  // namespace

TEST_SUITE("ex19") {
  TEST_CASE("ex19: the walk gives the tape's own gradients") {
    // loss = sum(exp(x * w) * x) + sum(x): x is read by three records, w by one.
    auto loss_of = [](const Tensor& x, const Tensor& w) {
      return tg::sum(tg::exp(x * w) * x) + tg::sum(x);
    };
    Tensor x = random_var({5}, 21), w = random_var({5}, 22);
    loss_of(x, w).backward();
    const std::vector<double> dx = x.grad().to_vector(), dw = w.grad().to_vector();
    x.zero_grad(), w.zero_grad();
    {
      ex::CourseScope mine(walk_only());
      loss_of(x, w).backward();
    }
    REQUIRE(x.grad().defined());
    REQUIRE(w.grad().defined());
    check_values("dx", x.grad(), dx, 1e-12);
    check_values("dw", w.grad(), dw, 1e-12);
  }

  TEST_CASE("ex19: a value used twice gets both contributions") {
    // b = a + a, c = b * b: dc/da = 2b * 2 = 8a (the micrograd case in docs/tape.md).
    Tensor a = var({1.5, -2.0}, {2});
    {
      ex::CourseScope mine(walk_only());
      const Tensor b = a + a;
      tg::sum(b * b).backward();
    }
    REQUIRE(a.grad().defined());
    check_values("da", a.grad(), {12.0, -16.0}, 1e-12);
  }

  TEST_CASE("ex19: records off the path to the root do not run and the others are freed") {
    Tensor x = random_var({3}, 23);
    current_tape().clear();
    const Tensor unused = x * 3.0;  // recorded, but the loss does not depend on it
    const Tensor loss = tg::sum(tg::exp(x));
    REQUIRE(current_tape().size() == 3);  // mul, exp, sum
    {
      ex::CourseScope mine(walk_only());
      loss.backward();
    }
    // done(i) freed exp's and sum's records; mul's got no gradient, so it neither ran nor went.
    CHECK(current_tape().size() == 1);
    CHECK(!unused.grad().defined());
    check_values("dx", x.grad(), exp(x.detach()).to_vector(), 1e-12);
    current_tape().clear();
  }

  TEST_CASE("ex19: a chain of 10000 ops needs no recursion") {
    Tensor x = var({0.5}, {1});
    {
      ex::CourseScope mine(walk_only());
      Tensor y = x;
      for (int i = 0; i < 10000; ++i) y = y * 1.0001;
      tg::sum(y).backward();
    }
    REQUIRE(x.grad().defined());
    check_values("dx", x.grad(), {std::pow(1.0001, 10000)}, 1e-9);
  }
}
