// The tape: recording, backward in reverse, accumulation, release, guards, deep chains, DOT.
#include <array>
#include <thread>

#include "helpers.hpp"

using namespace tg;
using namespace tg::testing;

// The worked example of docs/tape.md, checked by hand there:
//   a = 2, b = -3, c = a*b = -6, d = c + a = -4, L = d*d = 16
//   dL/dd = 2d = -8, dL/dc = dL/dd = -8,
//   dL/da = dL/dc * b + dL/dd = (-8)(-3) + (-8) = 16,   dL/db = dL/dc * a = -16.
TEST_CASE("worked example from docs/tape.md") {
  current_tape().clear();
  Tensor a = scalar(2.0, float64).requires_grad_();
  Tensor b = scalar(-3.0, float64).requires_grad_();
  Tensor c = a * b;
  Tensor d = c + a;
  Tensor L = d * d;
  CHECK(current_tape().size() == 3);
  CHECK(L.item() == 16.0);
  L.backward();
  CHECK(a.grad().item() == 16.0);
  CHECK(b.grad().item() == -16.0);
  CHECK(c.grad().item() == -8.0);
  CHECK(d.grad().item() == -8.0);
  CHECK(current_tape().size() == 0);  // released
}

TEST_CASE("accumulate_grad takes over a temporary gradient and copies a shared one") {
  Tensor x = zeros({3}, float64).requires_grad_(), y = zeros({3}, float64).requires_grad_();
  Tensor fresh = full({3}, 2.0, float64);
  const void* fresh_data = fresh.data<double>();
  accumulate_grad(x, std::move(fresh));  // given up and held by no one else: no copy
  CHECK(x.grad().data<double>() == fresh_data);
  Tensor kept = full({3}, 5.0, float64);
  accumulate_grad(y, kept);  // the caller keeps it: copied, so y's later += cannot change it
  CHECK(y.grad().data<double>() != kept.data<double>());
  Tensor shared = full({3}, 1.0, float64), alias = shared;
  Tensor z = zeros({3}, float64).requires_grad_();
  accumulate_grad(z, std::move(shared));  // another handle still holds it: copied
  CHECK(z.grad().data<double>() != alias.data<double>());
  accumulate_grad(z, full({3}, 1.0, float64));  // not the first: added
  check_values(z.grad(), {2, 2, 2});
  check_values(alias, {1, 1, 1});
}

TEST_CASE("a reused input accumulates both contributions: b = a + a, c = b * b") {
  // c = (2a)^2 = 4a^2, so dc/da = 8a = 24 at a = 3.
  Tensor a = scalar(3.0, float64).requires_grad_();
  Tensor b = a + a;
  Tensor c = b * b;
  c.backward();
  CHECK(c.item() == 36.0);
  CHECK(b.grad().item() == 12.0);
  CHECK(a.grad().item() == 24.0);
}

TEST_CASE("leaf gradients accumulate across backward calls until zero_grad") {
  Tensor x = scalar(5.0, float64).requires_grad_();
  (x * 3.0).backward();
  (x * 3.0).backward();
  CHECK(x.grad().item() == 6.0);
  x.zero_grad();
  CHECK_FALSE(x.grad().defined());
  (x * 3.0).backward();
  CHECK(x.grad().item() == 3.0);
}

TEST_CASE("retain_graph keeps the records, backward twice over released records fails clearly") {
  current_tape().clear();
  Tensor x = tensor({1, 2, 3}, {}, float64).requires_grad_();
  Tensor y = (x * x).sum();
  y.backward({}, true);
  CHECK(current_tape().size() == 2);
  y.backward();  // the graph is still there: gradients add up to 2 * 2x
  check_values(x.grad(), {4, 8, 12});
  CHECK(current_tape().size() == 0);
  CHECK_ERROR([&] { y.backward(); },
              "backward: the record of 'sum' (output shape ()) was already released",
              "retain_graph");
}

TEST_CASE("backward from a non-scalar needs a seed of the output's shape") {
  Tensor x = tensor({1, 2, 3, 4}, {2, 2}, float64).requires_grad_();
  Tensor y = x * 2.0;
  CHECK_ERROR([&] { y.backward(); },
              "backward: the output has shape (2,2); backward() without a seed needs a "
              "one-element");
  CHECK_ERROR([&] { y.backward(ones({3}, float64), true); },
              "the seed gradient has shape (3,) (float64) but the output has shape (2,2)");
  y.backward(tensor({1, 0, 0, 1}, {2, 2}, float64));
  check_values(x.grad(), {2, 0, 0, 2});
}

TEST_CASE("backward on a tensor that needs no grad is an error") {
  Tensor x = tensor({1, 2});
  CHECK_ERROR([&] { x.sum().backward(); }, "does not require grad");
}

TEST_CASE("NoGradGuard stops recording for its scope") {
  Tensor x = scalar(1.0).requires_grad_();
  {
    NoGradGuard no_grad;
    Tensor y = x * 2.0;
    CHECK_FALSE(y.requires_grad());
    CHECK(current_tape().size() == 0);
  }
  CHECK(is_grad_enabled());
  Tensor z = x * 2.0;
  CHECK(z.requires_grad());
  current_tape().clear();
}

TEST_CASE("only leaves may change requires_grad") {
  Tensor x = scalar(1.0).requires_grad_();
  Tensor y = x * 2.0;
  CHECK_ERROR([&] { y.requires_grad_(false); }, "made by 'mul'");
  current_tape().clear();
}

TEST_CASE("a chain of 100,000 ops runs backward without recursion and releases its records") {
  // y = x * 1.00001 * 1.00001 * ... (100,000 times): dy/dx = 1.00001^100000 = e^(~1).
  current_tape().clear();
  Tensor x = scalar(1.0, float64).requires_grad_();
  Tensor y = x;
  const int n = 100000;
  for (int i = 0; i < n; ++i) y = y * 1.00001;
  CHECK(current_tape().size() == static_cast<std::size_t>(n));
  y.backward();
  CHECK(x.grad().item() == doctest::Approx(std::pow(1.00001, n)).epsilon(1e-9));
  CHECK(current_tape().size() == 0);
}

TEST_CASE("records after the root stay on the tape for a later backward") {
  current_tape().clear();
  Tensor x = scalar(2.0, float64).requires_grad_();
  Tensor first = x * x;      // record 1
  Tensor second = x * 10.0;  // record 2, after first
  first.backward();          // releases record 1 only
  CHECK(current_tape().size() == 1);
  CHECK(x.grad().item() == 4.0);
  second.backward();
  CHECK(x.grad().item() == 14.0);
}

TEST_CASE("backward releases only its own graph: losses can be differentiated in any order") {
  current_tape().clear();
  Tensor x = scalar(3.0, float64).requires_grad_();
  Tensor second = x * x;  // recorded first
  Tensor first = x * 5.0;
  first.backward();  // releases only its own record
  CHECK(current_tape().size() == 1);
  second.backward();
  CHECK(x.grad().item() == 5.0 + 6.0);
  CHECK(current_tape().size() == 0);
}

TEST_CASE("a gradient that reaches a released intermediate stops with an error, not silently") {
  // h = 2x; l1 = sum(h) and l2 = sum(h*h) share h. After l1.backward() released h's record,
  // l2.backward() cannot pass its gradient through h to x: that must be an error (PyTorch's
  // "backward through the graph a second time"), never a silently wrong x.grad.
  current_tape().clear();
  Tensor x = tensor({1, 2}, {}, float64).requires_grad_();
  Tensor h = x * 2.0;
  Tensor l1 = h.sum();
  Tensor l2 = (h * h).sum();
  l1.backward();
  const std::size_t records_before = current_tape().size();
  CHECK_ERROR_STARTS([&] { l2.backward(); },
                     "backward: the gradient reached a tensor made by 'mul' (shape (2,)), so it "
                     "cannot flow further: its record was already released");
  // The records the failed walk had already run through are gone (released, not half-kept);
  // the tape stays usable: it can be measured, cleared and recorded on.
  CHECK(current_tape().size() < records_before);
  for (const Record& rec : current_tape().records()) CHECK(rec.output.defined());
  CHECK(current_tape().saved_bytes() >= 0);
  current_tape().clear();
  // With retain_graph on the first backward, both gradients arrive: 2 + 8x.
  Tensor y = tensor({1, 2}, {}, float64).requires_grad_();
  Tensor k = y * 2.0;
  Tensor m1 = k.sum();
  Tensor m2 = (k * k).sum();
  m1.backward({}, true);
  m2.backward();
  check_values(y.grad(), {10, 18});
  current_tape().clear();
}

TEST_CASE("backward frees an intermediate as soon as the walk has passed its record") {
  // p = watch(x) records first, so its backward runs last; by then the records of q = 2p and
  // r = 3q have run, and q and r, which nobody outside the tape holds, must be gone already.
  current_tape().clear();
  const Tensor x = var({1, 2, 3});
  std::weak_ptr<TensorImpl> q_seen, r_seen;
  bool q_gone = false, r_gone = false;
  Tensor copy;
  {
    NoGradGuard no_grad;  // the op's forward; only "watch" itself is recorded
    copy = x * 1.0;
  }
  const Tensor p = record("watch", {x}, copy, [&, x](const Tensor& g) {
    q_gone = q_seen.expired(), r_gone = r_seen.expired();
    accumulate_grad(x, g);
  });
  Tensor q = p * 2.0;
  Tensor r = q * 3.0;
  q_seen = q.impl_ptr(), r_seen = r.impl_ptr();
  const Tensor loss = r.sum();
  q = Tensor(), r = Tensor();
  CHECK_FALSE(q_seen.expired());  // the tape holds them until backward passes
  loss.backward();
  CHECK(q_gone);
  CHECK(r_gone);
  check_values(x.grad(), {6, 6, 6});
  CHECK(current_tape().size() == 0);
}

TEST_CASE("add passes its output's gradient on to an input without a copy") {
  // z = x + w feeds "watch", whose backward sends z a gradient it made and notes where its
  // numbers lie. Nobody else holds z, so add's record is its last reader: w keeps that very
  // gradient, x gets a copy. With retain_graph the tape keeps z's gradient, so both copy.
  for (bool retain : {false, true}) {
    CAPTURE(retain);
    current_tape().clear();
    const Tensor x = var({1, 2}), w = var({3, 4});
    Tensor z = x + w;
    const void* sent = nullptr;
    Tensor copy;
    {
      NoGradGuard no_grad;
      copy = z * 1.0;
    }
    const Tensor v = record("watch", {z}, copy, [z, &sent](const Tensor& g) {
      Tensor mine = g * 3.0;
      sent = mine.data<double>();
      accumulate_grad(z, std::move(mine));
    });
    z = Tensor();
    v.sum().backward({}, retain);
    check_values(w.grad(), {3, 3});
    check_values(x.grad(), {3, 3});
    CHECK((w.grad().data<double>() == sent) == !retain);
    CHECK(x.grad().data<double>() != sent);
    current_tape().clear();
  }
}

TEST_CASE("gradcheck leaves the caller's tape alone") {
  current_tape().clear();
  Tensor x = var({1, 2});
  Tensor pending = x * 3.0;  // recorded, not yet differentiated
  const GradcheckResult r =
      gradcheck([](const std::vector<Tensor>& v) { return v[0] * v[0]; }, {x});
  CHECK(r.ok);
  CHECK(current_tape().size() == 1);
  pending.sum().backward();
  check_values(x.grad(), {3, 3});
}

TEST_CASE("the tape exports Graphviz DOT with ops, shapes and gradients") {
  Tensor a = scalar(2.0, float64).requires_grad_().set_name("a");
  Tensor b = scalar(-3.0, float64).requires_grad_().set_name("b");
  Tensor L = (a * b + a).pow(2.0);
  L.backward({}, true);
  const std::string dot = to_dot(current_tape());
  CHECK(dot.find("digraph tape") != std::string::npos);
  CHECK(dot.find("label=\"mul\"") != std::string::npos);
  CHECK(dot.find("label=\"add\"") != std::string::npos);
  CHECK(dot.find("label=\"pow\"") != std::string::npos);
  CHECK(dot.find("a\\n() float64\\nvalue [2]\\ngrad [16]") != std::string::npos);
  CHECK(dot.find("b\\n() float64\\nvalue [-3]\\ngrad [-16]") != std::string::npos);
  current_tape().clear();
}

TEST_CASE("gradients keep the dtype of their tensor, and to() carries them across dtypes") {
  Tensor x = tensor({1, 2}, {}, float32).requires_grad_();
  Tensor y = (x.to(float64) * 3.0).sum();
  y.backward();
  CHECK(x.grad().dtype() == float32);
  check_values(x.grad(), {3, 3});
}

TEST_CASE("a record keeps any number of inputs and a closure of any size") {
  // A record is a std::vector of inputs and a std::function: a closure of 320 bytes is as good
  // as a small one, and the tape's vector may regrow between recording and backward.
  for (bool large : {false, true}) {
    CAPTURE(large);
    Tensor x = scalar(2.0, float64).requires_grad_();
    std::array<double, 40> weights{};  // 320 bytes: too large to keep in place
    weights[39] = 3.0;
    Tensor y = x * 1.0;  // an op to hang a hand-made record's input on
    Tensor out = y.detach().clone();
    if (large)
      out = record("scale_large", {y}, out,
                   [y, weights](const Tensor& g) { accumulate_grad(y, g * weights[39]); });
    else
      out = record("scale_small", {y}, out, [y](const Tensor& g) { accumulate_grad(y, g * 3.0); });
    for (int k = 0; k < 20; ++k) (void)(x * 1.0);  // more records: the tape's vector regrows
    out.backward();
    CHECK(x.grad().item() == 3.0);
    current_tape().clear();  // the extra records belong to no backward: drop them
  }
}

TEST_CASE("a tensor whose thread has exited: the error says so, not 'already released'") {
  // The thread's tape ends with the thread; a later thread's tape may even sit at the same
  // address. Backward from another thread must name the real cause.
  Tensor x = tensor({1, 2}, {2}, float64).requires_grad_();
  Tensor y, h;
  std::thread([&] {
    h = x * 2.0;
    y = h.sum();
  }).join();
  for (int round = 0; round < 2; ++round) {  // the second time from a fresh thread
    Thrown error;
    std::thread([&] { error = thrown_by([&] { y.backward(); }); }).join();
    if (round == 0) error = thrown_by([&] { y.backward(); });
    CHECK_ERROR_STARTS(error,
                       "backward: the record of 'sum' (output shape ()) is gone: its tape was "
                       "cleared, or the thread that recorded it has exited");
    CAPTURE(error.message);
    CHECK(error.message.find("retain_graph") == std::string::npos);
  }
  // And a tape cleared by hand says the same.
  Tensor z = (x * x).sum();
  current_tape().clear();
  CHECK_ERROR([&] { z.backward(); }, "is gone: its tape was cleared");
}

TEST_CASE("two threads backward into one shared leaf: no update is lost") {
  // Each thread records on its own tape; the leaf's gradient is the one thing they share.
  for (DType dtype : {float32, float64}) {
    Tensor w = zeros({3}, dtype).requires_grad_();
    constexpr int kSteps = 20000;
    auto run = [&] {
      for (int i = 0; i < kSteps; ++i) (w * 1.0).sum().backward();
    };
    std::thread a(run), b(run);
    a.join();
    b.join();
    check_values(w.grad(), {2 * kSteps, 2 * kSteps, 2 * kSteps}, 0);
  }
}
