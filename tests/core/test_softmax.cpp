// softmax, log_softmax, cross_entropy: values, stability, gradients, ignore_index, errors.
#include "helpers.hpp"

using namespace tg;
using namespace tg::testing;

using Inputs = const std::vector<Tensor>&;

TEST_CASE("softmax and log_softmax values") {
  const Tensor x = tensor({1, 2, 3}, {}, float64);
  const double total = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  check_values(softmax(x), {std::exp(1.0) / total, std::exp(2.0) / total, std::exp(3.0) / total},
               1e-12);
  check_values(log_softmax(x), {1 - std::log(total), 2 - std::log(total), 3 - std::log(total)},
               1e-12);
  // Along axis 0 of a (2,2): each column sums to 1.
  check_values(sum(softmax(tensor({1, 5, 2, -1}, {2, 2}), 0), 0), {1, 1});
}

TEST_CASE("softmax is stable for huge logits") {
  const Tensor x = tensor({1000, 1001, 1002}, {}, float32);
  const Tensor y = softmax(x);
  const std::vector<double> v = y.to_vector();
  for (double e : v) CHECK(std::isfinite(e));
  CHECK(v[2] == doctest::Approx(0.66524).epsilon(1e-4));
  for (double e : log_softmax(tensor({-1e4, 0, 1e4})).to_vector()) CHECK(std::isfinite(e));
}

TEST_CASE("gradcheck: softmax and log_softmax over each axis") {
  const Tensor x = random_var({2, 3, 4}, 51);
  for (int axis : {0, 1, 2, -1}) {
    CAPTURE(axis);
    check_gradients([axis](Inputs v) { return softmax(v[0], axis); }, {x});
    check_gradients([axis](Inputs v) { return log_softmax(v[0], axis); }, {x});
  }
}

TEST_CASE("cross_entropy matches -log_softmax at the targets, with ignore_index") {
  const Tensor logits = tensor({2, 1, 0.1, 0.5, 2.5, 0.3, 1, 1, 1}, {3, 3}, float64);
  const Tensor z = log_softmax(logits);
  const double expected = -(z.at({0, 0}) + z.at({1, 1}) + z.at({2, 2})) / 3;
  CHECK(cross_entropy(logits, {0, 1, 2}).item() == doctest::Approx(expected).epsilon(1e-12));
  const double ignoring = -(z.at({0, 0}) + z.at({2, 2})) / 2;
  CHECK(cross_entropy(logits, {0, -100, 2}).item() == doctest::Approx(ignoring).epsilon(1e-12));
  CHECK(cross_entropy(logits, {0, 7, 2}, 7).item() == doctest::Approx(ignoring).epsilon(1e-12));
  CHECK(std::isnan(cross_entropy(logits, {-100, -100, -100}).item()));
  // Uniform logits over C classes: the loss is log C.
  CHECK(cross_entropy(zeros({4, 10}), {1, 2, 3, 4}).item() == doctest::Approx(std::log(10.0)));
}

TEST_CASE("gradcheck: cross_entropy, including ignored rows") {
  const Tensor logits = random_var({5, 4}, 61);
  check_gradients([](Inputs v) { return cross_entropy(v[0], {0, 3, 1, 1, 2}); }, {logits});
  check_gradients([](Inputs v) { return cross_entropy(v[0], {0, -100, 1, -100, 2}); }, {logits});
  check_gradients(
      [](Inputs v) {
        return cross_entropy(v[0] * 2.0, {3, 3, 3, 3, 3}) * 5.0;
      },
      {logits});
  // Ignored rows receive exactly zero gradient.
  Tensor l = random_var({3, 4}, 62);
  cross_entropy(l, {1, -100, 2}).backward();
  for (int c = 0; c < 4; ++c) CHECK(l.grad().at({1, c}) == 0.0);
}

TEST_CASE("cross_entropy rejects bad shapes and targets") {
  CHECK_ERROR_STARTS(
      [] {
        cross_entropy(zeros({2, 3, 4}), {0, 1});
      },
      "cross_entropy: logits must be (N, C), got (2,3,4)");
  CHECK(error_of([] {
          cross_entropy(zeros({2, 3}), {0});
        }) == "cross_entropy: logits (2,3) have 2 rows but there are 1 targets");
  CHECK(
      error_of([] {
        cross_entropy(zeros({2, 3}), {0, 3});
      }) ==
      "cross_entropy: target 3 at row 1 is not a class in 0..2 (logits (2,3), ignore_index -100)");
  CHECK_ERROR_STARTS([] { softmax(zeros({2, 3}), 2); }, "softmax: axis 2 is out of range");
}
