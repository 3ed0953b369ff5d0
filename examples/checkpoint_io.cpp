// examples/checkpoint_io.cpp — see checkpoint_io.hpp.
#include "checkpoint_io.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/formats/json.hpp"
#include "core/formats/safetensors.hpp"
#include "text/byte_map.hpp"
#include "text/tokenizer_json.hpp"

namespace tg::io {

namespace {

std::string number(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

// A whole number from a JSON object, checked to lie in [lo, hi].
std::int64_t integer(const json::Value& obj, const std::string& key, std::int64_t lo,
                     std::int64_t hi, const std::string& file) {
  const json::Value* v = obj.find(key);
  if (!v || !v->is(json::Value::Kind::Number) || v->number != std::floor(v->number) ||
      v->number < static_cast<double>(lo) || v->number > static_cast<double>(hi))
    fail("load", "'", file, "': \"", key, "\" must be a whole number in ", lo, "..", hi);
  return static_cast<std::int64_t>(v->number);
}

double real(const json::Value& obj, const std::string& key, double lo, double hi,
            const std::string& file) {
  const json::Value* v = obj.find(key);
  if (!v || !v->is(json::Value::Kind::Number) || !(v->number >= lo && v->number <= hi))
    fail("load", "'", file, "': \"", key, "\" must be a number in ", lo, "..", hi);
  return v->number;
}

bool flag(const json::Value& obj, const std::string& key, const std::string& file) {
  const json::Value* v = obj.find(key);
  if (!v || !v->is(json::Value::Kind::Bool))
    fail("load", "'", file, "': \"", key, "\" must be true or false");
  return v->boolean;
}

std::string text(const json::Value& obj, const std::string& key, const std::string& file) {
  const json::Value* v = obj.find(key);
  if (!v || !v->is(json::Value::Kind::String))
    fail("load", "'", file, "': \"", key, "\" must be a string");
  return v->string;
}

// The tapegrad object's keys are ModelConfig's field names, which are Hugging Face's since
// issue 27; a config.json saved before says ten of them as tapegrad then did. Such a file loads:
// each key is read under its old name when only that one is there.
constexpr std::pair<const char*, const char*> kRenamedKeys[] = {
    {"vocab_size", "vocab"},
    {"hidden_size", "d_model"},
    {"num_hidden_layers", "layers"},
    {"num_attention_heads", "heads"},
    {"max_position_embeddings", "max_seq"},
    {"intermediate_size", "ffn_hidden"},
    {"rms_norm_eps", "norm_eps"},
    {"tie_word_embeddings", "tie_weights"},
    {"num_local_experts", "experts"},
    {"num_experts_per_tok", "experts_per_token"},
};

// The key under which the tapegrad object t holds the field `name`: `name`, or its name before
// issue 27 in a file saved then. A file with both is refused (which one would the model be?).
std::string key_of(const json::Value& t, const std::string& name, const std::string& file) {
  for (const auto& [now, before] : kRenamedKeys) {
    if (name != now) continue;
    if (t.find(now) && t.find(before))
      fail("load", "'", file, "': the tapegrad object has both \"", now, "\" and \"", before,
           "\" (its name before tapegrad took Hugging Face's): keep \"", now, "\"");
    if (t.find(before)) return before;
  }
  return name;
}

// The JSON parser's message, prefixed with the file it came from.
json::Value parse_json(const std::string& text, const std::string& file) {
  try {
    return json::parse(text);
  } catch (const Error& e) {
    fail("load", "'", file, "': ", e.what());
  }
}

}  // namespace

void save_run(const std::string& dir, nn::Transformer& model, const SavedRun& run) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) fail("save", "cannot create the folder '", dir, "': ", error.message());
  const nn::ModelConfig& c = model.config();
  std::map<std::string, Tensor> tensors;
  for (const auto& [name, p] : model.named_parameters()) tensors.emplace(name, p.detach());
  save_safetensors(dir + "/model.safetensors", tensors, {{"format", "pt"}});

  const std::int64_t hidden = model.model->blocks.empty() ? 0
                              : c.num_local_experts > 0
                                  ? model.model->blocks[0]->block_sparse_moe->intermediate_size()
                                  : model.model->blocks[0]->mlp->intermediate_size();
  std::ostringstream j;
  j << "{\n";
  // Hugging Face's names: Llama's config, or Mixtral's for a mixture of SwiGLU experts (the same
  // fields and four more), so that the folder opens in transformers under those classes.
  const bool mixtral =
      c.num_local_experts > 0 && c.rms_norm && c.rope && !c.bias && !c.tie_word_embeddings;
  if (mixtral)
    j << "  \"architectures\": [\"MixtralForCausalLM\"],\n  \"model_type\": \"mixtral\",\n"
      << "  \"num_local_experts\": " << c.num_local_experts
      << ",\n  \"num_experts_per_tok\": " << c.num_experts_per_tok
      << ",\n  \"router_aux_loss_coef\": " << number(c.router_aux_loss_coef)
      << ",\n  \"output_router_logits\": false,\n";
  else if (c.llama_shaped())
    j << "  \"architectures\": [\"LlamaForCausalLM\"],\n  \"model_type\": \"llama\",\n";
  if (mixtral || c.llama_shaped())
    j << "  \"vocab_size\": " << c.vocab_size << ",\n  \"hidden_size\": " << c.hidden_size << ",\n"
      << "  \"intermediate_size\": " << hidden
      << ",\n  \"num_hidden_layers\": " << c.num_hidden_layers << ",\n"
      << "  \"num_attention_heads\": " << c.num_attention_heads
      << ",\n  \"num_key_value_heads\": " << c.num_attention_heads << ",\n"
      << "  \"head_dim\": " << c.hidden_size / c.num_attention_heads << ",\n"
      << "  \"max_position_embeddings\": " << c.max_position_embeddings
      << ",\n  \"rms_norm_eps\": " << number(c.rms_norm_eps)
      << ",\n  \"rope_theta\": " << number(c.rope_theta) << ",\n  \"hidden_act\": \"silu\",\n"
      << "  \"attention_bias\": false,\n  \"mlp_bias\": false,\n  \"tie_word_embeddings\": false,\n"
      << "  \"torch_dtype\": \"float32\",\n";
  j << "  \"tapegrad\": {\n"
    << "    \"task\": " << json::quote(run.task) << ",\n    \"modulus\": " << run.modulus << ",\n"
    << "    \"tokenizer\": " << json::quote(run.tokenizer) << ",\n"
    << "    \"vocab_size\": " << c.vocab_size << ",\n    \"hidden_size\": " << c.hidden_size
    << ",\n    \"num_hidden_layers\": " << c.num_hidden_layers
    << ",\n    \"num_attention_heads\": " << c.num_attention_heads
    << ",\n    \"max_position_embeddings\": " << c.max_position_embeddings
    << ",\n    \"ffn\": " << json::quote(nn::ffn_kind_name(c.ffn)) << ",\n"
    << "    \"intermediate_size\": " << hidden
    << ",\n    \"rms_norm\": " << (c.rms_norm ? "true" : "false") << ",\n"
    << "    \"rope\": " << (c.rope ? "true" : "false")
    << ",\n    \"rope_theta\": " << number(c.rope_theta) << ",\n"
    << "    \"rms_norm_eps\": " << number(c.rms_norm_eps)
    << ",\n    \"bias\": " << (c.bias ? "true" : "false") << ",\n"
    << "    \"tie_word_embeddings\": " << (c.tie_word_embeddings ? "true" : "false") << ",\n"
    << "    \"num_local_experts\": " << c.num_local_experts
    << ",\n    \"num_experts_per_tok\": " << c.num_experts_per_tok
    << ",\n    \"router_aux_loss_coef\": " << number(c.router_aux_loss_coef)
    << ",\n    \"router_z_loss_coef\": " << number(c.router_z_loss_coef) << "\n  }\n}\n";
  const std::string config = j.str();

  // A token is bytes (one byte of a text file, which may be half a UTF-8 character), and JSON
  // text must be UTF-8: each token is written through GPT-2's byte map (text::bytes_to_unicode),
  // as Hugging Face's byte-level tokenizers write their vocabularies. "encoding" says so.
  std::string vocab =
      "{\"task\": " + json::quote(run.task) + ", \"encoding\": \"bytes_to_unicode\", \"tokens\": [";
  for (std::size_t i = 0; i < run.tokens.size(); ++i)
    vocab += (i ? ", " : "") + json::quote(text::bytes_to_unicode(run.tokens[i]));
  vocab += "]}\n";
  const std::string tokenizer = run.bpe ? text::tokenizer_json(*run.bpe) : "";
  // What is written must be read back (load_config's caps): checked before anything is written.
  for (const auto& [name, text] :
       {std::pair<const char*, const std::string*>{"config.json", &config},
        {"vocab.json", &vocab},
        {"tokenizer.json", &tokenizer}})
    if (static_cast<std::int64_t>(text->size()) > kMaxSavedFileBytes)
      fail("save", "'", dir, "/", name, "' would be ", text->size(), " bytes, more than the ",
           kMaxSavedFileBytes, " a load reads back");
  write_file_atomically(dir + "/config.json", config);
  write_file_atomically(dir + "/vocab.json", vocab);
  if (run.bpe) {
    write_file_atomically(dir + "/tokenizer.json", tokenizer);
  } else {
    // A byte model has no tokenizer.json; one left from a BPE model saved here before would be
    // what Hugging Face loads, with ids the model does not have.
    std::error_code ignored;
    std::filesystem::remove(dir + "/tokenizer.json", ignored);
  }
}

SavedRun parse_run(const std::string& config_text, const std::string& vocab_text,
                   const std::string& config_path, const std::string& vocab_path) {
  const json::Value root = parse_json(config_text, config_path);
  const json::Value* t = root.find("tapegrad");
  if (!t || !t->is(json::Value::Kind::Object))
    fail("load", "'", config_path, "' has no \"tapegrad\" object");
  SavedRun run;
  nn::ModelConfig& c = run.config;
  run.task = text(*t, "task", config_path);
  run.modulus = integer(*t, "modulus", 2, 200, config_path);
  if (t->find("tokenizer")) {  // files from before BPE have none: bytes
    run.tokenizer = text(*t, "tokenizer", config_path);
    if (run.tokenizer != "byte" && run.tokenizer != "bpe")
      fail("load", "'", config_path, "': \"tokenizer\" must be \"byte\" or \"bpe\", got '",
           run.tokenizer, "'");
  }
  // A field's key in this file: its name, or its name before issue 27 (kRenamedKeys).
  auto saved_as = [&](const char* name) { return key_of(*t, name, config_path); };
  c.vocab_size = integer(*t, saved_as("vocab_size"), 1, 1 << 20, config_path);
  c.hidden_size = integer(*t, saved_as("hidden_size"), 1, 8192, config_path);
  c.num_hidden_layers = integer(*t, saved_as("num_hidden_layers"), 0, 256, config_path);
  c.num_attention_heads = integer(*t, saved_as("num_attention_heads"), 1, 256, config_path);
  c.max_position_embeddings =
      integer(*t, saved_as("max_position_embeddings"), 1, 8192, config_path);
  try {
    c.ffn = nn::parse_ffn_kind(text(*t, "ffn", config_path));
  } catch (const Error& e) {  // "ffn: unknown variant ...", named with the file and field once
    std::string why = e.what();
    if (why.rfind("ffn: ", 0) == 0) why = why.substr(5);
    fail("load", "'", config_path, "': \"ffn\": ", why);
  }
  c.intermediate_size = integer(*t, saved_as("intermediate_size"), c.num_hidden_layers == 0 ? 0 : 1,
                                1 << 16, config_path);
  c.rms_norm = flag(*t, "rms_norm", config_path);
  c.rope = flag(*t, "rope", config_path);
  c.rope_theta = real(*t, "rope_theta", 1, 1e9, config_path);
  c.rms_norm_eps = real(*t, saved_as("rms_norm_eps"), 0, 1, config_path);
  c.bias = flag(*t, "bias", config_path);
  c.tie_word_embeddings = flag(*t, saved_as("tie_word_embeddings"), config_path);
  // A mixture of experts (files from before it have none of these: a dense model).
  if (t->find(saved_as("num_local_experts"))) {
    c.num_local_experts = integer(*t, saved_as("num_local_experts"), 0, 64, config_path);
    c.num_experts_per_tok = integer(*t, saved_as("num_experts_per_tok"), 1, 64, config_path);
    c.router_aux_loss_coef = real(*t, "router_aux_loss_coef", 0, 100, config_path);
    c.router_z_loss_coef = real(*t, "router_z_loss_coef", 0, 100, config_path);
    if (c.num_local_experts > 0 && c.num_experts_per_tok > c.num_local_experts)
      fail("load", "'", config_path, "': num_experts_per_tok ", c.num_experts_per_tok,
           " exceeds num_local_experts ", c.num_local_experts);
  }
  // The Hugging Face fields beside the tapegrad object describe the same model to PyTorch: a
  // folder where they disagree would open in transformers as another model, so it is refused.
  // save_run writes them exactly for a Llama- or Mixtral-shaped model: present for one, absent
  // for any other, and none that changes the numbers beyond what tapegrad computes.
  const bool mixtral =
      c.num_local_experts > 0 && c.rms_norm && c.rope && !c.bias && !c.tie_word_embeddings;
  const bool hf_shaped = mixtral || c.llama_shaped();
  if (!hf_shaped && root.find("model_type"))
    fail("load", "'", config_path, "' has Hugging Face's \"model_type\", but its tapegrad object ",
         "describes a model transformers' Llama and Mixtral classes do not compute (learned ",
         "positions, LayerNorm, biases or tied weights): remove the Hugging Face fields");
  if (hf_shaped && !root.find("model_type"))
    fail("load", "'", config_path, "' has no \"model_type\": a tapegrad save writes Hugging ",
         "Face's fields for this model, and transformers reads them; save it again");
  for (const char* key : {"rope_scaling", "sliding_window"})
    if (const json::Value* v = root.find(key); v && !v->is(json::Value::Kind::Null))
      fail("load", "'", config_path, "': \"", key, "\" must be null: tapegrad computes no ", key,
           ", and transformers would compute another model");
  if (const json::Value* v = root.find("pretraining_tp");
      v && !(v->is(json::Value::Kind::Number) && v->number == 1))
    fail("load", "'", config_path, "': \"pretraining_tp\" must be 1, as tapegrad computes");
  if (const json::Value* type = root.find("model_type")) {
    const std::string want = c.num_local_experts > 0 ? "mixtral" : "llama";
    if (!type->is(json::Value::Kind::String) || type->string != want)
      fail("load", "'", config_path, "': \"model_type\" must be \"", want, "\" for a model with ",
           c.num_local_experts, " experts (the tapegrad object's)");
    auto agree = [&](const char* key, std::int64_t value, const std::string& ours) {
      if (integer(root, key, 0, 1 << 30, config_path) != value)
        fail("load", "'", config_path, "': \"", key, "\" is ", root.find(key)->number,
             ", but the tapegrad object's \"", ours, "\" is ", value,
             " (Hugging Face reads the first, tapegrad the second: they must agree)");
    };
    agree("vocab_size", c.vocab_size, saved_as("vocab_size"));
    agree("hidden_size", c.hidden_size, saved_as("hidden_size"));
    agree("intermediate_size", c.intermediate_size, saved_as("intermediate_size"));
    agree("num_hidden_layers", c.num_hidden_layers, saved_as("num_hidden_layers"));
    agree("num_attention_heads", c.num_attention_heads, saved_as("num_attention_heads"));
    agree("max_position_embeddings", c.max_position_embeddings,
          saved_as("max_position_embeddings"));
    agree("num_key_value_heads", c.num_attention_heads, saved_as("num_attention_heads"));
    agree("head_dim", c.hidden_size / c.num_attention_heads,
          saved_as("hidden_size") + " / " + saved_as("num_attention_heads"));
    if (c.num_local_experts > 0) {
      agree("num_local_experts", c.num_local_experts, saved_as("num_local_experts"));
      agree("num_experts_per_tok", c.num_experts_per_tok, saved_as("num_experts_per_tok"));
    }
    // Every other field that changes the numbers Hugging Face would compute: equal to what
    // save_run writes for this object, or the load names the field (a top-level "rope_theta"
    // edited to 500000 loaded without a word, though transformers would read another model).
    auto agree_number = [&](const char* key, double value, const std::string& ours) {
      const json::Value* v = root.find(key);
      if (!v || !v->is(json::Value::Kind::Number) || v->number != value)
        fail("load", "'", config_path, "': \"", key, "\" must be ", number(value),
             ", the tapegrad object's \"", ours,
             "\" (Hugging Face reads the first, tapegrad the "
             "second: they must agree)");
    };
    agree_number("rms_norm_eps", c.rms_norm_eps, saved_as("rms_norm_eps"));
    agree_number("rope_theta", c.rope_theta, "rope_theta");
    if (c.num_local_experts > 0)
      agree_number("router_aux_loss_coef", c.router_aux_loss_coef, "router_aux_loss_coef");
    auto agree_literal = [&](const char* key, const std::string& want) {
      const json::Value* v = root.find(key);
      const bool same =
          v && ((v->is(json::Value::Kind::String) && "\"" + v->string + "\"" == want) ||
                (v->is(json::Value::Kind::Bool) && (v->boolean ? "true" : "false") == want));
      if (!same)
        fail("load", "'", config_path, "': \"", key, "\" must be ", want,
             " for a model tapegrad saved (it sets how transformers computes the model)");
    };
    agree_literal("hidden_act", "\"silu\"");
    agree_literal("attention_bias", "false");
    agree_literal("mlp_bias", "false");
    agree_literal("tie_word_embeddings", "false");
  }
  if (c.hidden_size % c.num_attention_heads != 0 ||
      (c.rope && (c.hidden_size / c.num_attention_heads) % 2 != 0))
    fail("load", "'", config_path, "': hidden_size ", c.hidden_size, " does not split into ",
         c.num_attention_heads, " heads of even size");
  // Refuse, before allocating anything, a model that would not fit: parameters (attention,
  // FFN, embeddings and head) and the per-layer causal masks of max_seq^2 entries.
  const double d = static_cast<double>(c.hidden_size), L = static_cast<double>(c.num_hidden_layers);
  const double ffn_copies =
      c.num_local_experts > 0 ? static_cast<double>(c.num_local_experts) : 1.0;
  const double params =
      L * (4 * d * d + 3 * d * static_cast<double>(c.intermediate_size) * ffn_copies) +
      2 * static_cast<double>(c.vocab_size) * d +
      static_cast<double>(c.max_position_embeddings) * d;
  const double masks = L * static_cast<double>(c.max_position_embeddings) *
                       static_cast<double>(c.max_position_embeddings);
  if (params > 1e9 || masks > 2e8)
    fail("load", "'", config_path, "' describes a model too large for this program (", params,
         " parameters, ", masks, " mask entries)");

  const json::Value vocab = parse_json(vocab_text, vocab_path);
  // vocab.json names the task it was saved with: the same as config.json's, or the two files
  // are from different runs.
  if (const json::Value* task = vocab.find("task"))
    if (!task->is(json::Value::Kind::String) || task->string != run.task)
      fail("load", "'", vocab_path, "': \"task\" is ",
           task->is(json::Value::Kind::String) ? json::quote(task->string)
                                               : std::string("not a string"),
           ", but '", config_path, "' says ", json::quote(run.task),
           ": the two files are from different runs");
  const json::Value* tokens = vocab.find("tokens");
  if (!tokens || !tokens->is(json::Value::Kind::Array) ||
      static_cast<std::int64_t>(tokens->array.size()) != c.vocab_size)
    fail("load", "'", vocab_path, "' must list \"tokens\", one per id (", c.vocab_size, ")");
  // Written through GPT-2's byte map (save_run); a file without "encoding" (tapegrad before
  // the map) holds its tokens as they are.
  const json::Value* encoding = vocab.find("encoding");
  if (encoding &&
      (!encoding->is(json::Value::Kind::String) || encoding->string != "bytes_to_unicode"))
    fail("load", "'", vocab_path, "': \"encoding\" must be \"bytes_to_unicode\"");
  for (std::size_t i = 0; i < tokens->array.size(); ++i) {
    const json::Value& v = tokens->array[i];
    if (!v.is(json::Value::Kind::String))
      fail("load", "'", vocab_path, "': every token must be a string");
    if (!encoding) {
      run.tokens.push_back(v.string);
      continue;
    }
    try {
      run.tokens.push_back(text::unicode_to_bytes(v.string));
    } catch (const Error& e) {
      fail("load", "'", vocab_path, "': token ", i, " is not in the byte map (", e.what(), ")");
    }
  }
  return run;
}

SavedRun load_config(const std::string& dir) {
  const std::string config_path = dir + "/config.json", vocab_path = dir + "/vocab.json";
  const std::string config_text = read_file(config_path, kMaxSavedFileBytes, "load");
  SavedRun run = parse_run(config_text, read_file(vocab_path, kMaxSavedFileBytes, "load"),
                           config_path, vocab_path);
  if (run.tokenizer == "bpe") {
    // The tokenizer must be this model's: as many tokens as its embedding has rows, each the
    // bytes vocab.json gives (a tokenizer.json copied from another run would renumber the text).
    const std::string path = dir + "/tokenizer.json";
    auto bpe = std::make_shared<text::BPE>(text::load_tokenizer_json(path));
    if (bpe->vocab_size() != run.config.vocab_size)
      fail("load", "'", path, "' has ", bpe->vocab_size(), " tokens but '", config_path,
           "' gives the model a vocabulary of ", run.config.vocab_size,
           " (a tokenizer of another model?)");
    for (std::int64_t id = 0; id < run.config.vocab_size; ++id)
      if (bpe->token_bytes(id) != run.tokens[static_cast<std::size_t>(id)])
        fail("load", "'", path, "': token ", id, " differs from '", vocab_path,
             "' (a tokenizer of another model?)");
    run.bpe = std::move(bpe);
  }
  // The weights must be there, a regular file, and large enough for the model config.json
  // describes, before any model is built: building and initialising a model (up to a billion
  // parameters, 4 GB) only to find that model.safetensors is another model's took seconds and
  // gigabytes (issue 26). A lower bound on the parameters every such model has: the attention's
  // four d x d matrices and two d x hidden FFN matrices per layer (per expert), one embedding.
  const std::string weights = dir + "/model.safetensors";
  require_regular_file(weights, "load");
  const nn::ModelConfig& c = run.config;
  const double d = static_cast<double>(c.hidden_size),
               experts = c.num_local_experts > 0 ? c.num_local_experts : 1.0;
  const double at_least =
      static_cast<double>(c.num_hidden_layers) *
          (4 * d * d + 2 * d * static_cast<double>(c.intermediate_size) * experts) +
      static_cast<double>(c.vocab_size) * d;
  std::error_code error;
  const auto bytes = static_cast<double>(std::filesystem::file_size(weights, error));
  if (!error && bytes < 4 * at_least)
    fail("load", "'", weights, "' is ", bytes, " bytes, but '", config_path,
         "' describes a model of at least ", at_least, " parameters (", 4 * at_least,
         " bytes in float32): the weights are another model's");
  return run;
}

void load_weights(const std::string& dir, nn::Transformer& model) {
  const std::string path = dir + "/model.safetensors";
  const SafeTensorsFile file = load_safetensors(path);
  try {
    model.load_state_dict(file.tensors);
  } catch (const Error& e) {
    fail("load", "'", path, "' does not fit the model of config.json: ", e.what());
  }
}

}  // namespace tg::io
