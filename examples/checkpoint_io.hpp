// examples/checkpoint_io.hpp — saving and loading a trained toy transformer as a folder:
//
//   model.safetensors  the parameters, under Hugging Face Llama's names
//   config.json        Hugging Face's LlamaConfig fields (when the model is Llama-shaped, so
//                      transformers' LlamaForCausalLM.from_pretrained opens the folder), plus a
//                      "tapegrad" object with the full configuration
//   vocab.json         the task and its tokens, for generating text after loading; each token's
//                      bytes written as text through GPT-2's byte map (text::bytes_to_unicode),
//                      so that the file is UTF-8 whatever bytes the training text held
//   tokenizer.json     for a model trained with --tokenizer bpe: the tokenizer, as Hugging Face's
//                      tokenizers read it (text/tokenizer_json.hpp); config.json's "tapegrad"
//                      object then says "tokenizer": "bpe"
//
// Layer: examples. Every file is written through a temporary file and renamed; everything read is
// checked (ranges, names, shapes) and a bad folder is an error naming the file.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "layers/transformer.hpp"
#include "text/bpe.hpp"
#include "text/tokenizer_json.hpp"

namespace tg::io {

struct SavedRun {
  nn::ModelConfig config;
  std::string task;                 // "reverse", "modadd", "text:FILE", ...
  std::int64_t modulus = 23;        // for modadd
  std::vector<std::string> tokens;  // what each token id prints as
  std::string tokenizer = "byte";   // "byte" (a token per byte of the text) or "bpe"
  std::shared_ptr<const text::BPE> bpe =
      nullptr;  // with "bpe": the tokenizer, saved as tokenizer.json
};

// The most bytes load_config reads of config.json, vocab.json or tokenizer.json, and so the most
// save_run writes: whatever a run saves, it can load. The largest a run can make is a vocab.json
// or tokenizer.json of 65,536 BPE tokens (the largest --vocab-size) of up to 128 characters (the
// pre-tokenizer's cap) of up to 4 bytes each, each byte 2 bytes of UTF-8 through GPT-2's byte
// map: 65,536 x 1,024 bytes = 64 MiB, plus the JSON around them. 256 MiB leaves room for that
// and still refuses a wrong path to a huge file before allocating it.
inline constexpr std::int64_t kMaxSavedFileBytes = text::kMaxTokenizerJsonBytes;

// Writes the folder; throws tg::Error naming the file if one would be larger than
// kMaxSavedFileBytes (before writing anything) or cannot be written.
void save_run(const std::string& dir, nn::Transformer& model, const SavedRun& run);

// Reads and checks config.json and vocab.json, and tokenizer.json for a BPE model (its vocabulary
// must be the config's and its tokens vocab.json's); load_weights then fills a model built from
// the config with model.safetensors.
SavedRun load_config(const std::string& dir);
// The same checks on the two files' texts (the paths only name them in errors); what the
// fuzz harness tests/fuzz/fuzz_run_files.cpp feeds with arbitrary bytes.
SavedRun parse_run(const std::string& config_text, const std::string& vocab_text,
                   const std::string& config_path, const std::string& vocab_path);
void load_weights(const std::string& dir, nn::Transformer& model);

}  // namespace tg::io
