// checkpoint(): recompute in backward; same gradients, fewer records.
#include "core/checkpoint.hpp"
#include "helpers.hpp"

using namespace tg;
using namespace tg::testing;

TEST_CASE("gradcheck: a checkpointed block, for its inputs and the params it reads") {
  Tensor w = random_var({3, 3}, 121);
  const Tensor x = random_var({2, 3}, 122);
  auto block = [w](const std::vector<Tensor>& in) { return exp(matmul(in[0], w) * 0.3) * in[1]; };
  check_param_gradients([&] { return checkpoint(block, {x, x * 1.0}, {w}); }, {w, x});
}

TEST_CASE("checkpoint records one op and matches the plain block") {
  current_tape().clear();
  Tensor w1 = random_var({3, 3}, 123), w2 = random_var({3, 3}, 123);
  Tensor x1 = random_var({4, 3}, 124), x2 = random_var({4, 3}, 124);
  const Tensor plain = exp(matmul(x1, w1) * 0.5).sum();
  const std::size_t plain_records = current_tape().size();
  const Tensor ckpt =
      checkpoint([w2](const std::vector<Tensor>& in) { return exp(matmul(in[0], w2) * 0.5).sum(); },
                 {x2}, {w2});
  CHECK(current_tape().size() - plain_records == 1);
  CHECK(plain_records == 4);
  CHECK(ckpt.item() == plain.item());
  plain.backward();
  ckpt.backward();
  check_values(x2.grad(), x1.grad().to_vector(), 1e-15);
  check_values(w2.grad(), w1.grad().to_vector(), 1e-15);
}

TEST_CASE("checkpoint: only params need grad, fn may return its input, fn may throw") {
  current_tape().clear();
  Tensor w = random_var({3}, 126);
  const Tensor x = tensor({1, 2, 3}, {}, float64);  // needs no grad
  checkpoint([w](const std::vector<Tensor>& in) { return (in[0] * w).sum(); }, {x}, {w}).backward();
  check_values(w.grad(), {1, 2, 3});
  // Returning the input itself must not turn the caller's leaf into an op's output.
  Tensor leaf = random_var({2}, 127);
  const Tensor same = checkpoint([](const std::vector<Tensor>& in) { return in[0]; }, {leaf});
  CHECK(leaf.is_leaf());
  same.sum().backward();
  check_values(leaf.grad(), {1, 1});
  // An exception inside fn leaves grad mode and the tape as they were.
  const std::size_t before = current_tape().size();
  CHECK_THROWS_AS(
      checkpoint([](const std::vector<Tensor>& in) { return matmul(in[0], in[0]); }, {leaf}),
      Error);
  CHECK(is_grad_enabled());
  CHECK(current_tape().size() == before);
}

TEST_CASE("checkpoint params must be leaves") {
  Tensor w = random_var({2}, 125);
  const Tensor made = w * 2.0;
  CHECK_ERROR_STARTS(
      [&] { checkpoint([](const std::vector<Tensor>& in) { return in[0]; }, {w}, {made}); },
      "checkpoint: params must be leaves; got a tensor made by 'mul'");
  current_tape().clear();
}
