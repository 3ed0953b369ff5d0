// layers/module.cpp — see module.hpp.
#include "layers/module.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/ops.hpp"
#include "core/tape.hpp"

namespace tg::nn {

void Module::check_new_name(const std::string& name) const {
  if (name.empty() || name.find('.') != std::string::npos)
    fail("Module", "name '", name, "' must be non-empty and contain no '.'");
  for (const auto& p : params_)
    if (p.first == name) fail("Module", "name '", name, "' is already a parameter");
  for (const auto& c : children_)
    if (c.first == name) fail("Module", "name '", name, "' is already a child module");
}

Tensor Module::register_parameter(const std::string& name, Tensor value) {
  check_new_name(name);
  if (!value.is_leaf())
    fail("register_parameter", "'", name, "' was made by '", value.op(),
         "'; parameters must be "
         "leaves (use detach())");
  value.requires_grad_();
  params_.emplace_back(name, value);
  return value;
}

std::shared_ptr<Generator> Module::register_generator(const std::string& name, std::uint64_t seed) {
  if (name.empty() || name.find('.') != std::string::npos)
    fail("register_generator", "name '", name, "' must be non-empty and contain no '.'");
  for (const auto& g : generators_)
    if (g.first == name) fail("register_generator", "name '", name, "' is already a generator");
  generators_.emplace_back(name, std::make_shared<Generator>(seed));
  return generators_.back().second;
}

std::vector<std::pair<std::string, std::shared_ptr<Generator>>> Module::named_generators() const {
  auto out = generators_;
  for (const auto& [child_name, child] : children_)
    for (const auto& [name, g] : child->named_generators())
      out.emplace_back(child_name + "." + name, g);
  return out;
}

void Module::add_child(const std::string& name, std::shared_ptr<Module> module) {
  check_new_name(name);
  if (!module) fail("register_module", "'", name, "' is null");
  children_.emplace_back(name, std::move(module));
}

std::vector<std::pair<std::string, Tensor>> Module::named_parameters() const {
  std::vector<std::pair<std::string, Tensor>> out = params_;
  for (const auto& [child_name, child] : children_)
    for (const auto& [name, p] : child->named_parameters())
      out.emplace_back(child_name + "." + name, p);
  return out;
}

std::vector<Tensor> Module::parameters() const {
  std::vector<Tensor> out;
  for (const auto& np : named_parameters()) out.push_back(np.second);
  return out;
}

std::int64_t Module::num_parameters() const {
  std::int64_t n = 0;
  for (const Tensor& p : parameters()) n += p.numel();
  return n;
}

void Module::zero_grad() {
  for (const Tensor& p : parameters()) p.zero_grad();
}

void Module::train(bool on) {
  training_ = on;
  for (const auto& c : children_) c.second->train(on);
}

std::map<std::string, Tensor> Module::state_dict() const {
  std::map<std::string, Tensor> out;
  for (const auto& [name, p] : named_parameters()) out.emplace(name, p.detach());
  return out;
}

void Module::load_state_dict(const std::map<std::string, Tensor>& state, bool strict) {
  const auto params = named_parameters();
  // Check everything first, so that a bad entry leaves the module untouched.
  for (const auto& [name, p] : params) {
    const auto it = state.find(name);
    if (it == state.end()) {
      if (!strict) continue;
      fail("load_state_dict", "missing parameter '", name, "'");
    }
    if (it->second.shape() != p.shape() || it->second.dtype() != p.dtype())
      fail("load_state_dict", "'", name, "' has shape ", it->second.shape(), " ",
           dtype_name(it->second.dtype()), " but the module needs ", p.shape(), " ",
           dtype_name(p.dtype()));
  }
  if (strict && state.size() != params.size())
    for (const auto& [name, t] : state) {
      bool known = false;
      for (const auto& np : params) known = known || np.first == name;
      if (!known) fail("load_state_dict", "unexpected entry '", name, "' (strict mode)");
    }
  NoGradGuard no_grad;
  for (const auto& named : params) {
    const Tensor& p = named.second;  // (a lambda may not capture a structured binding in C++20)
    if (!state.count(named.first)) continue;  // only possible when not strict
    const Tensor& src = state.at(named.first);
    dispatch(p.dtype(), [&](auto zero) {
      using T = decltype(zero);
      std::copy_n(src.data<T>(), p.numel(), p.data<T>());
    });
  }
}

}  // namespace tg::nn
