// examples/run_checkpoint.cpp — see run_checkpoint.hpp.
#include "run_checkpoint.hpp"

#include <algorithm>
#include <charconv>

#include "core/error.hpp"
#include "core/formats/json.hpp"
#include "core/random.hpp"

namespace tg::io {

namespace {
const std::string kModel = "model.", kOptimizer = "optimizer.", kModelRng = "tapegrad.rng.model.";

const std::string& required(const std::map<std::string, std::string>& metadata,
                            const std::string& key, const std::string& path) {
  const auto it = metadata.find(key);
  if (it == metadata.end()) fail("resume", "'", path, "' has no \"", key, "\" in its metadata");
  return it->second;
}
}  // namespace

void save_checkpoint(const std::string& dir, const nn::Module& model,
                     const optim::Optimizer& optimizer, const RunState& state) {
  std::map<std::string, Tensor> tensors;
  for (const auto& [name, p] : model.state_dict()) tensors.emplace(kModel + name, p.detach());
  for (const auto& [key, t] : optimizer.state_dict()) tensors.emplace(kOptimizer + key, t);
  std::string flags = "{";
  for (const auto& [name, value] : state.flags)
    flags += (flags.size() > 1 ? ", " : "") + json::quote(name) + ": " + json::quote(value);
  std::map<std::string, std::string> metadata = {{"tapegrad.step", std::to_string(state.step)},
                                                 {"tapegrad.rng.train", state.train_rng},
                                                 {"tapegrad.rng.sample", state.sample_rng},
                                                 {"tapegrad.flags", flags + "}"}};
  for (const auto& [name, gen] : model.named_generators())
    metadata.emplace(kModelRng + name, gen->state());
  save_safetensors(dir + "/checkpoint.safetensors", tensors, metadata);
}

RunState parse_run_state(const std::map<std::string, std::string>& metadata,
                         const std::string& path) {
  RunState state;
  const std::string& step = required(metadata, "tapegrad.step", path);
  const auto [end, status] = std::from_chars(step.data(), step.data() + step.size(), state.step);
  if (status != std::errc() || end != step.data() + step.size() || state.step < 0)
    fail("resume", "'", path, "': \"tapegrad.step\" must be a whole number >= 0, got '", step, "'");
  state.train_rng = required(metadata, "tapegrad.rng.train", path);
  state.sample_rng = required(metadata, "tapegrad.rng.sample", path);
  for (const auto& [key, value] : metadata)
    if (key.rfind(kModelRng, 0) == 0) state.model_rngs[key.substr(kModelRng.size())] = value;
  Generator check;  // refuse a bad generator state now, not halfway through resuming
  for (const std::string* rng : {&state.train_rng, &state.sample_rng}) try {
      check.set_state(*rng);
    } catch (const Error& e) {
      fail("resume", "'", path, "': ", e.what());
    }
  for (const auto& [name, rng] : state.model_rngs) try {
      check.set_state(rng);
    } catch (const Error& e) {
      fail("resume", "'", path, "': \"", kModelRng, name, "\": ", e.what());
    }
  json::Value flags;
  try {
    flags = json::parse(required(metadata, "tapegrad.flags", path));
  } catch (const Error& e) {
    fail("resume", "'", path, "': \"tapegrad.flags\": ", e.what());
  }
  if (!flags.is(json::Value::Kind::Object))
    fail("resume", "'", path, "': \"tapegrad.flags\" must be a JSON object");
  for (std::size_t i = 0; i < flags.keys.size(); ++i) {
    if (!flags.values[i].is(json::Value::Kind::String))
      fail("resume", "'", path, "': flag \"", flags.keys[i], "\" must be a string");
    state.flags[flags.keys[i]] = flags.values[i].string;
  }
  return state;
}

Checkpoint read_checkpoint(const std::string& dir) {
  const std::string path = dir + "/checkpoint.safetensors";
  Checkpoint c;
  c.path = path;
  c.file = load_safetensors(path);
  c.state = parse_run_state(c.file.metadata, path);
  return c;
}

void restore(const Checkpoint& checkpoint, nn::Module& model, optim::Optimizer& optimizer) {
  const std::string path = "'" + checkpoint.path + "'";
  std::map<std::string, Tensor> weights, state;
  for (const auto& [name, t] : checkpoint.file.tensors) {
    if (name.rfind(kModel, 0) == 0)
      weights.emplace(name.substr(kModel.size()), t);
    else if (name.rfind(kOptimizer, 0) == 0)
      state.emplace(name.substr(kOptimizer.size()), t);
    else
      fail("resume", path, " holds \"", name, "\", neither model. nor optimizer.");
  }
  // The model's own generators (dropout's masks): each one the model has, and no other. A
  // checkpoint with none at all was saved before they were saved; it resumes with them freshly
  // seeded, which is exact only without dropout.
  const auto generators = model.named_generators();
  const std::map<std::string, std::string>& rngs = checkpoint.state.model_rngs;
  if (!rngs.empty()) {
    for (const auto& [name, gen] : generators)
      if (!rngs.count(name))
        fail("resume", path, " has no \"", kModelRng, name, "\" for this model's generator");
    for (const auto& entry : rngs) {  // (clang 14 cannot capture a structured binding)
      const std::string& name = entry.first;
      if (std::none_of(generators.begin(), generators.end(),
                       [&](const auto& g) { return g.first == name; }))
        fail("resume", path, " holds \"", kModelRng, name, "\", a generator this model has not");
    }
  }
  try {
    model.load_state_dict(weights);
    optimizer.load_state_dict(state);
  } catch (const Error& e) {
    fail("resume", path, " does not fit this model and optimizer: ", e.what());
  }
  for (const auto& [name, gen] : generators)
    if (rngs.count(name)) gen->set_state(rngs.at(name));  // checked by parse_run_state
}

}  // namespace tg::io
