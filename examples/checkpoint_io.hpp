// examples/checkpoint_io.hpp — saving and loading a trained toy transformer as a folder:
//
//   model.safetensors  the parameters, under Hugging Face Llama's names
//   config.json        Hugging Face's LlamaConfig fields (when the model is Llama-shaped, so
//                      transformers' LlamaForCausalLM.from_pretrained opens the folder), plus a
//                      "tapegrad" object with the full configuration
//   vocab.json         the task and its tokens, for generating text after loading
//
// Layer: examples. Every file is written through a temporary file and renamed; everything read is
// checked (ranges, names, shapes) and a bad folder is an error naming the file.
#pragma once

#include <string>
#include <vector>

#include "layers/transformer.hpp"

namespace tg::io {

struct SavedRun {
  nn::ModelConfig config;
  std::string task;                 // "reverse", "modadd", "text:FILE", ...
  std::int64_t modulus = 23;        // for modadd
  std::vector<std::string> tokens;  // what each token id prints as
};

void save_run(const std::string& dir, nn::Transformer& model, const SavedRun& run);

// Reads config.json and vocab.json, builds the model and loads model.safetensors into it.
SavedRun load_config(const std::string& dir);
void load_weights(const std::string& dir, nn::Transformer& model);

}  // namespace tg::io
