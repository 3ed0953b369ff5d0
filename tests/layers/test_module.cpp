// nn::Module: registration, dotted names, zero_grad, train/eval, state_dict round trips.
#include "helpers.hpp"
#include "layers/layers.hpp"

using namespace tg;
using namespace tg::testing;

namespace {
struct Affine : nn::Module {
  explicit Affine(std::int64_t n) {
    scale = register_parameter("scale", ones({n}));
    shift = register_parameter("shift", zeros({n}));
  }
  Tensor forward(const Tensor& x) const { return x * scale + shift; }
  Tensor scale, shift;
};

struct Pair : nn::Module {
  Pair() {
    first = register_module("first", std::make_shared<Affine>(2));
    second = register_module("second", std::make_shared<Affine>(3));
    gain = register_parameter("gain", scalar(2.0));
  }
  std::shared_ptr<Affine> first, second;
  Tensor gain;
};
}  // namespace

TEST_CASE("named_parameters lists own parameters, then children depth first, with dots") {
  Pair p;
  std::vector<std::string> names;
  for (const auto& [name, t] : p.named_parameters()) names.push_back(name);
  CHECK(names == std::vector<std::string>{"gain", "first.scale", "first.shift", "second.scale",
                                          "second.shift"});
  CHECK(p.num_parameters() == 1 + 2 + 2 + 3 + 3);
  for (const Tensor& t : p.parameters()) CHECK(t.requires_grad());
}

TEST_CASE("zero_grad forgets every gradient, train and eval reach the whole tree") {
  Pair p;
  (p.first->forward(ones({2})).sum() * p.gain).backward();
  CHECK(p.first->scale.grad().defined());
  p.zero_grad();
  for (const Tensor& t : p.parameters()) CHECK_FALSE(t.grad().defined());
  p.eval();
  CHECK_FALSE(p.is_training());
  CHECK_FALSE(p.second->is_training());
  p.train();
  CHECK(p.first->is_training());
}

TEST_CASE("state_dict and load_state_dict round-trip values into the same tensors") {
  Pair a, b;
  a.first->scale.fill_(5);
  a.gain.fill_(-1);
  const Tensor held = b.first->scale;  // e.g. an optimizer's handle
  b.load_state_dict(a.state_dict());
  check_values(held, {5, 5});
  CHECK(b.gain.item() == -1);
  // A state_dict shares data with the parameters (detached): no copy is made.
  CHECK(a.state_dict().at("first.scale").data<float>() == a.first->scale.data<float>());
}

TEST_CASE("load_state_dict checks names, shapes and dtypes before writing anything") {
  Pair a, b;
  b.gain.fill_(7);
  auto state = a.state_dict();
  state["second.shift"] = zeros({4});
  CHECK(error_of([&] { b.load_state_dict(state); }) ==
        "load_state_dict: 'second.shift' has shape (4,) float32 but the module needs (3,) float32");
  CHECK(b.gain.item() == 7);  // untouched
  state = a.state_dict();
  state.erase("first.shift");
  CHECK(error_of([&] { b.load_state_dict(state); }) ==
        "load_state_dict: missing parameter 'first.shift'");
  state = a.state_dict();
  state["extra"] = zeros({1});
  CHECK(error_of([&] { b.load_state_dict(state); }) ==
        "load_state_dict: unexpected entry 'extra' (strict mode)");
  b.load_state_dict(state, /*strict=*/false);
  CHECK(b.gain.item() == 2);
}

TEST_CASE("registration rejects bad and duplicate names") {
  struct Bad : nn::Module {
    void add(const std::string& name) { register_parameter(name, zeros({1})); }
  } m;
  m.add("w");
  CHECK(error_of([&] { m.add("w"); }) == "Module: name 'w' is already a parameter");
  CHECK(error_of([&] { m.add("a.b"); }) ==
        "Module: name 'a.b' must be non-empty and contain no '.'");
}
