// layers/module.hpp — nn::Module: a named tree of parameters, as torch.nn.Module.
//
// Layer: layers (depends on core/). A module owns parameters (leaf tensors that require grad)
// and child modules, both registered under names. The names compose with dots, so a model's
// parameters have paths such as "ffn.gate.weight" — the keys of state_dict(), and of a saved
// checkpoint.
//
//   class Affine : public nn::Module {
//    public:
//     Affine(std::int64_t n) {
//       scale = register_parameter("scale", ones({n}));
//       shift = register_parameter("shift", zeros({n}));
//     }
//     Tensor forward(const Tensor& x) { return x * scale + shift; }
//     Tensor scale, shift;
//   };
//
// Registration order is kept: parameters() lists a module's own parameters first, then each
// child's, depth first, which makes optimizer state and saved files deterministic.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/random.hpp"
#include "core/tensor.hpp"

namespace tg::nn {

class Module {
 public:
  virtual ~Module() = default;

  std::vector<Tensor> parameters() const;
  // ("ffn.gate.weight", tensor), ... in registration order, depth first.
  std::vector<std::pair<std::string, Tensor>> named_parameters() const;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> named_children() const {
    return children_;
  }
  std::int64_t num_parameters() const;  // total number of elements in all parameters
  // ("layers.0.self_attn.dropout", generator), ...: the generators the module draws from while
  // training (dropout's masks), in registration order, depth first. They are state as much as
  // the weights are: a run checkpoint saves them (examples/run_checkpoint.hpp), so that a resumed
  // run draws the masks the uninterrupted one would have.
  std::vector<std::pair<std::string, std::shared_ptr<Generator>>> named_generators() const;

  // Forgets every parameter's gradient (grad() becomes undefined), as PyTorch's
  // zero_grad(set_to_none=True).
  void zero_grad();

  // Training mode (the default) vs evaluation mode: dropout is active only in training.
  // Applies to the whole subtree.
  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }

  // name -> parameter. The tensors are detached handles sharing the parameters' data.
  std::map<std::string, Tensor> state_dict() const;
  // Copies values into the parameters, which keep their identity (an optimizer holding them is
  // unaffected). With strict (the default) the names must match exactly; without, missing and
  // unknown names are skipped, as in PyTorch. Shapes and dtypes must match (PyTorch would cast
  // dtypes; tapegrad asks you to convert explicitly). Nothing is written unless everything
  // checks. Unlike PyTorch's ordered dict, the map is sorted by name.
  void load_state_dict(const std::map<std::string, Tensor>& state, bool strict = true);

 protected:
  // Stores `value` as a parameter (setting requires_grad) and returns it. A leaf is required.
  Tensor register_parameter(const std::string& name, Tensor value);
  // A generator of the module's own, seeded with `seed`, listed by named_generators(). The
  // module draws from *returned pointer; copies of the module share it, as they share parameters.
  std::shared_ptr<Generator> register_generator(const std::string& name, std::uint64_t seed);
  template <class M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> module) {
    add_child(name, module);
    return module;
  }

 private:
  void add_child(const std::string& name, std::shared_ptr<Module> module);
  void check_new_name(const std::string& name) const;

  std::vector<std::pair<std::string, Tensor>> params_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  std::vector<std::pair<std::string, std::shared_ptr<Generator>>> generators_;
  bool training_ = true;
};

// Children named "0", "1", ... as torch.nn.ModuleList.
class ModuleList : public Module {
 public:
  template <class M>
  std::shared_ptr<M> append(std::shared_ptr<M> m) {
    items_.push_back(m);
    return register_module(std::to_string(items_.size() - 1), m);
  }
  std::size_t size() const { return items_.size(); }

 private:
  std::vector<std::shared_ptr<Module>> items_;
};

}  // namespace tg::nn
