// examples/run_checkpoint.hpp — the whole state of a training run in one file, so that a run
// stopped by Ctrl-C, a crash or a full disk continues as if it had never stopped.
//
// Layer: examples. DIR/checkpoint.safetensors holds
//   "model.<name>"      every parameter (the names of Module::state_dict)
//   "optimizer.<key>"   the optimizer's state_dict (Adam's moments and step counts, in float64)
// and in its metadata
//   "tapegrad.step"         steps completed
//   "tapegrad.rng.train"    the state of the generator that draws training batches
//   "tapegrad.rng.sample"   ... and of the one that samples generated text
//   "tapegrad.rng.model.<name>"  each of the model's own generators (Module::named_generators:
//                           the dropout masks' "layers.0.self_attn.dropout", ...)
//   "tapegrad.flags"        the command-line flags the run was started with, as a JSON object
// One file written through a temporary file and a rename is one atomic step: the folder holds
// the previous checkpoint or the new one, never half of each. The learning-rate schedule needs no
// state of its own: it is a function of the step. Evaluation draws from generators seeded by the
// step, so it needs none either.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/formats/safetensors.hpp"
#include "layers/module.hpp"
#include "layers/optim.hpp"

namespace tg::io {

struct RunState {
  std::int64_t step = 0;
  std::string train_rng, sample_rng;         // Generator::state()
  std::map<std::string, std::string> flags;  // flag name (without "--") -> value
  // Read from a checkpoint: generator name -> Generator::state(). (A save takes the states from
  // the model itself, Module::named_generators.)
  std::map<std::string, std::string> model_rngs;
};

// Writes DIR/checkpoint.safetensors (DIR must exist).
void save_checkpoint(const std::string& dir, const nn::Module& model,
                     const optim::Optimizer& optimizer, const RunState& state);

// A checkpoint read and checked, not yet applied: its flags are needed to build the model first.
struct Checkpoint {
  std::string path;
  RunState state;
  SafeTensorsFile file;
};
Checkpoint read_checkpoint(const std::string& dir);
// Loads the weights and the optimizer's state; any mismatch is an error naming the file.
void restore(const Checkpoint& checkpoint, nn::Module& model, optim::Optimizer& optimizer);

// The metadata checks alone (step, generator states, flags), on untrusted text: what the fuzz
// harness tests/fuzz/fuzz_run_files.cpp feeds with arbitrary bytes.
RunState parse_run_state(const std::map<std::string, std::string>& metadata,
                         const std::string& path);

}  // namespace tg::io
