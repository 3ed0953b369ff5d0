// Optimizers against steps computed by hand, the schedule, gradient clipping.
#include <cmath>
#include <memory>

#include "helpers.hpp"
#include "layers/optim.hpp"

using namespace tg;
using namespace tg::testing;

namespace {
// A parameter with a given value and gradient.
Tensor param_with_grad(double value, double grad) {
  Tensor p = var({value}, {1});
  (p * grad).sum().backward();
  return p;
}
void set_grad(const Tensor& p, double grad) {
  p.zero_grad();
  (p * grad).sum().backward();
}
}  // namespace

TEST_CASE("SGD with momentum and weight decay, by hand") {
  Tensor p = param_with_grad(1.0, 0.5);
  optim::SGDOptions o;
  o.lr = 0.1;
  o.momentum = 0.9;
  o.weight_decay = 0.01;
  optim::SGD opt({p}, o);
  // step 1: g = 0.5 + 0.01*1 = 0.51; b = g; p = 1 - 0.1*0.51 = 0.949
  opt.step();
  CHECK(p.item() == doctest::Approx(0.949).epsilon(1e-14));
  // step 2: g = 0.5 + 0.01*0.949 = 0.50949; b = 0.9*0.51 + 0.50949 = 0.96849; p = 0.949 - 0.096849
  set_grad(p, 0.5);
  opt.step();
  CHECK(p.item() == doctest::Approx(0.949 - 0.1 * 0.96849).epsilon(1e-14));
}

TEST_CASE("Adam and AdamW, two steps by hand") {
  for (bool decoupled : {false, true}) {
    CAPTURE(decoupled);
    Tensor p = param_with_grad(2.0, 0.5);
    optim::AdamOptions o;
    o.lr = 0.1;
    o.weight_decay = 0.1;
    std::unique_ptr<optim::Optimizer> opt;
    if (decoupled)
      opt = std::make_unique<optim::AdamW>(std::vector<Tensor>{p}, o);
    else
      opt = std::make_unique<optim::Adam>(std::vector<Tensor>{p}, o);
    double w = 2.0, m = 0, v = 0;
    for (int t = 1; t <= 2; ++t) {
      double g = 0.5;
      if (decoupled)
        w -= 0.1 * 0.1 * w;  // decay the weight directly
      else
        g += 0.1 * w;  // L2 through the gradient
      m = 0.9 * m + 0.1 * g;
      v = 0.999 * v + 0.001 * g * g;
      const double mhat = m / (1 - std::pow(0.9, t)), vhat = v / (1 - std::pow(0.999, t));
      w -= 0.1 * mhat / (std::sqrt(vhat) + 1e-8);
      opt->step();
      CHECK(p.item() == doctest::Approx(w).epsilon(1e-14));
      set_grad(p, 0.5);
    }
  }
  // Adam's first step moves every parameter by about lr, whatever its gradient's scale.
  Tensor big = param_with_grad(0.0, 1000.0), small = param_with_grad(0.0, 0.001);
  optim::Adam adam({big, small});
  adam.step();
  CHECK(big.item() == doctest::Approx(-1e-3).epsilon(1e-6));
  CHECK(small.item() == doctest::Approx(-1e-3).epsilon(1e-4));
}

TEST_CASE("Adam counts steps per parameter, as PyTorch: a late starter gets a first-step update") {
  Tensor early = param_with_grad(0.0, 1.0), late = var({0.0}, {1});
  optim::Adam adam({early, late});
  adam.step();  // late has no gradient yet: skipped
  set_grad(early, 1.0);
  (late * 1.0).sum().backward();
  adam.step();  // late's first step: bias-corrected m/sqrt(v) = 1, so it moves by exactly lr
  CHECK(late.item() == doctest::Approx(-1e-3).epsilon(1e-6));
}

TEST_CASE("decay groups: matrices decay, vectors (norm weights, biases) do not") {
  Tensor w = var({1, 2, 3, 4}, {2, 2}), b = var({1, 2}, {2});
  const auto groups = optim::decay_groups({{"w", w}, {"b", b}}, 0.5);
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].weight_decay == 0.5);
  CHECK(groups[0].params.size() == 1);
  CHECK(groups[0].params[0].impl() == w.impl());
  CHECK(groups[1].weight_decay == 0.0);
  CHECK(groups[1].params[0].impl() == b.impl());
  // With a zero gradient, AdamW only decays: w shrinks by lr*wd, b stays.
  (w * 0.0).sum().backward();
  (b * 0.0).sum().backward();
  optim::AdamOptions o;
  o.lr = 0.1;
  optim::AdamW opt(groups, o);
  opt.step();
  check_values(w, {0.95, 1.9, 2.85, 3.8}, 1e-12);
  check_values(b, {1, 2}, 1e-12);
}

TEST_CASE("parameters without a gradient are skipped, zero_grad clears") {
  Tensor p = var({1.0}, {1}), q = param_with_grad(1.0, 1.0);
  optim::SGD opt({p, q}, {});
  opt.step();
  CHECK(p.item() == 1.0);
  CHECK(q.item() == doctest::Approx(0.99));
  opt.zero_grad();
  CHECK_FALSE(q.grad().defined());
}

TEST_CASE("warm-up then cosine decay") {
  CHECK(optim::warmup_cosine(0, 10, 110, 1.0, 0.1) == doctest::Approx(0.1));
  CHECK(optim::warmup_cosine(9, 10, 110, 1.0, 0.1) == doctest::Approx(1.0));
  CHECK(optim::warmup_cosine(10, 10, 110, 1.0, 0.1) == doctest::Approx(1.0));
  CHECK(optim::warmup_cosine(60, 10, 110, 1.0, 0.1) == doctest::Approx(0.55));  // halfway: the mean
  CHECK(optim::warmup_cosine(110, 10, 110, 1.0, 0.1) == doctest::Approx(0.1));
  CHECK(optim::warmup_cosine(500, 10, 110, 1.0, 0.1) == doctest::Approx(0.1));
}

TEST_CASE("clip_grad_norm scales all gradients together to the maximum norm") {
  Tensor a = param_with_grad(0, 3), b = param_with_grad(0, 4);  // global norm 5
  CHECK(optim::clip_grad_norm({a, b}, 1.0) == doctest::Approx(5.0));
  CHECK(a.grad().item() == doctest::Approx(0.6).epsilon(1e-5));
  CHECK(b.grad().item() == doctest::Approx(0.8).epsilon(1e-5));
  CHECK(optim::clip_grad_norm({a, b}, 10.0) == doctest::Approx(1.0).epsilon(1e-5));  // no change
  CHECK(a.grad().item() == doctest::Approx(0.6).epsilon(1e-5));
}

TEST_CASE("an optimizer restored from its state_dict continues exactly as the original") {
  // Three steps with AdamW and with SGD, saving after the first: a fresh optimizer on a copy of
  // the parameters, loaded from the saved state, must produce bit-identical parameters.
  auto run = [](bool adam) {
    Tensor a = var({1.0, -2.0}, {2}), b = var({0.5}, {1});
    Tensor a2 = var({0.0, 0.0}, {2}), b2 = var({0.0}, {1});
    optim::AdamOptions ao;
    ao.weight_decay = 0.1;
    optim::SGDOptions so;
    so.momentum = 0.9;
    auto make = [&](Tensor x, Tensor y) -> std::unique_ptr<optim::Optimizer> {
      if (adam) return std::make_unique<optim::AdamW>(std::vector<Tensor>{x, y}, ao);
      return std::make_unique<optim::SGD>(std::vector<Tensor>{x, y}, so);
    };
    auto first = make(a, b), second = make(a2, b2);
    auto grads = [](const Tensor& x, const Tensor& y, double k) {
      x.zero_grad(), y.zero_grad();
      ((x * x * k).sum() + (y * k).sum()).backward();
    };
    grads(a, b, 1.0);
    first->step();
    const std::map<std::string, Tensor> saved = first->state_dict();
    CHECK(saved.count("step") == 1);
    CHECK(saved.count(adam ? "state.1.exp_avg_sq" : "state.1.momentum_buffer") == 1);
    for (std::int64_t i = 0; i < 2; ++i) a2.set({i}, a.at({i}));
    b2.set({0}, b.at({0}));
    second->load_state_dict(saved);
    for (double k : {0.7, -1.3}) {
      grads(a, b, k), grads(a2, b2, k);
      first->step(), second->step();
    }
    CHECK(a.to_vector() == a2.to_vector());
    CHECK(b.to_vector() == b2.to_vector());
    CHECK(second->steps_taken() == 3);
  };
  run(true);
  run(false);
}

TEST_CASE("an optimizer refuses a state that does not fit, and keeps its own") {
  Tensor p = param_with_grad(1.0, 0.5);
  optim::AdamW opt({p});
  opt.step();
  const std::map<std::string, Tensor> good = opt.state_dict();
  auto with = [&](const std::string& key, Tensor value) {
    std::map<std::string, Tensor> s = good;
    s[key] = value;
    return s;
  };
  CHECK_THROWS_WITH_AS(opt.load_state_dict(with("state.0.exp_avg", zeros({2}, float64))),
                       doctest::Contains("\"state.0.exp_avg\" must be float64 of shape (1,)"),
                       Error);
  CHECK_THROWS_AS(opt.load_state_dict(with("state.0.exp_avg", zeros({1}, float32))), Error);
  CHECK_THROWS_AS(opt.load_state_dict(with("state.0.exp_avg_sq", full({1}, -1.0, float64))), Error);
  CHECK_THROWS_AS(opt.load_state_dict(with("state.0.step", scalar(1.5, float64))), Error);
  CHECK_THROWS_AS(opt.load_state_dict(with("step", scalar(NAN, float64))), Error);
  CHECK_THROWS_WITH_AS(opt.load_state_dict(with("state.7.exp_avg", zeros({1}, float64))),
                       doctest::Contains("1 entries name no parameter"), Error);
  std::map<std::string, Tensor> missing = good;
  missing.erase("state.0.exp_avg_sq");
  CHECK_THROWS_WITH_AS(opt.load_state_dict(missing),
                       doctest::Contains("missing \"state.0.exp_avg_sq\""), Error);
  // After all the refusals, the optimizer's state is still the one it had.
  const std::map<std::string, Tensor> after = opt.state_dict();
  REQUIRE(after.size() == good.size());
  for (const auto& [name, t] : good) CHECK(after.at(name).to_vector() == t.to_vector());
}

TEST_CASE("Adam's init_state makes its state before the first step and changes no number") {
  // train_transformer saves a checkpoint before step 1; with the state made first it is as large
  // as every later one (issue 26). Steps after init_state, or after saving and loading that
  // state, equal steps without it, bit for bit.
  auto run = [](bool init, bool reload) {
    Tensor w = tensor({0.5, -1.5, 2.0}, {3}, float64).requires_grad_();
    optim::AdamW opt({w}, {0.1, 0.9, 0.999, 1e-8, 0.01});
    if (init) opt.init_state();
    if (reload) {
      const auto state = opt.state_dict();
      CHECK(state.count("state.0.exp_avg") == 1);
      Tensor w2 = w;
      optim::AdamW other({w2}, {0.1, 0.9, 0.999, 1e-8, 0.01});
      other.load_state_dict(state);
      CHECK(other.state_dict().size() == state.size());
    }
    for (int s = 0; s < 3; ++s) {
      w.zero_grad();
      (w * w * w).sum().backward();
      opt.step();
    }
    return w.to_vector();
  };
  CHECK(run(true, false) == run(false, false));
  CHECK(run(true, true) == run(false, false));
  // A state of 0 steps with moments that are not zeros is refused.
  Tensor w = tensor({1.0}, {1}, float64).requires_grad_();
  optim::AdamW opt({w});
  opt.init_state();
  auto state = opt.state_dict();
  state["state.0.exp_avg"] = tensor({0.5}, {1}, float64);
  CHECK_ERROR([&] { opt.load_state_dict(state); },
              "\"state.0.step\" is 0, but its moments are not zeros");
}
