// The training pieces of examples/: tasks, save -> load -> evaluate, hostile checkpoint folders,
// determinism.
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>

#include "checkpoint_io.hpp"
#include "cli.hpp"
#include "core/formats/safetensors.hpp"
#include "helpers.hpp"
#include "layers/optim.hpp"
#include "layers/transformer.hpp"
#include "run_checkpoint.hpp"
#include "tasks.hpp"
#include "tiny_model.hpp"
#include "training.hpp"

using namespace tg;
using namespace tg::testing;

namespace {
std::string scratch_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / "tapegrad-tests" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

double loss_on(nn::Transformer& model, const tasks::Batch& b) {
  NoGradGuard no_grad;
  return training::batch_loss(model, b).item();
}

// Losses of `steps` AdamW steps from a fresh model with the given seed.
std::vector<double> loss_curve(std::uint64_t seed, int steps) {
  auto task = tasks::make_synthetic("reverse");
  Generator gen(seed);
  nn::Transformer model(tiny_model(task->vocab(), task->seq_len()), gen);
  optim::AdamW opt(model.parameters());
  std::vector<double> losses;
  for (int s = 0; s < steps; ++s) {
    losses.push_back(training::train_step(model, opt, task->sample(8, gen)));
  }
  return losses;
}

// A tiny reverse model saved into a fresh scratch folder; the folder.
std::string saved_reverse_model(const std::string& name, std::uint64_t seed) {
  auto task = tasks::make_synthetic("reverse");
  Generator gen(seed);
  nn::Transformer model(tiny_model(task->vocab(), task->seq_len()), gen);
  const std::string dir = scratch_dir(name);
  io::save_run(dir, model, {model.config(), "reverse", 23, std::vector<std::string>(32, "t")});
  return dir;
}
std::string text_of(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
// `text` with its first `from` replaced by `to` (which must be there).
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}
}  // namespace

TEST_CASE("the reverse task is the peer's: 16 digits, SEP, the digits reversed, 16 scored") {
  auto task = tasks::make_synthetic("reverse");
  Generator gen(1);
  const tasks::Batch b = task->sample(2, gen);
  REQUIRE(b.x.size() == 64);
  CHECK(task->vocab() == 32);
  CHECK(b.x[16] == 10);  // SEP at position 16
  for (int t = 0; t < 16; ++t) {
    CHECK(b.y[t] == tasks::kIgnore);
    CHECK(b.y[16 + t] == b.x[15 - t]);  // position 16 + t predicts a_{15 - t}
  }
  auto sort = tasks::make_synthetic("sort");
  const tasks::Batch s = sort->sample(1, gen);
  for (int t = 17; t < 32; ++t) CHECK(s.y[t - 1] <= s.y[t]);
  auto add = tasks::make_synthetic("modadd", 7);
  const tasks::Batch a = add->sample(3, gen);
  for (int n = 0; n < 3; ++n) CHECK(a.y[n * 4 + 3] == (a.x[n * 4] + a.x[n * 4 + 2]) % 7);
  std::string error;
  CHECK(add->encode("3+5=", error) == std::vector<std::int64_t>{3, 7, 5, 8});
  CHECK(add->encode("9+1=", error).empty());
  CHECK(error == "number in the prompt is not below the modulus 7");
  CHECK(error_of([] { tasks::make_synthetic("nope"); }) ==
        "task: unknown task 'nope' (valid: copy, reverse, sort, modadd)");
}

TEST_CASE("character task: vocabulary, windows, unigram entropy") {
  tasks::CharTask task("abababab", 3, "t.txt");
  CHECK(task.vocab() == 2);
  CHECK(task.unigram_entropy() == doctest::Approx(std::log(2.0)));
  Generator gen(2);
  const tasks::Batch b = task.sample(4, gen);
  for (std::size_t i = 0; i < b.x.size(); ++i) CHECK(b.y[i] == 1 - b.x[i]);  // a->b, b->a
  CHECK_ERROR([] { tasks::CharTask("ab", 3, "short.txt"); }, "'short.txt' has 2 bytes");
}

TEST_CASE("save -> load -> evaluate gives the identical loss") {
  auto task = tasks::make_synthetic("sort");
  Generator gen(3);
  nn::Transformer model(tiny_model(task->vocab(), task->seq_len()), gen);
  const tasks::Batch b = task->sample(16, gen);
  const double before = loss_on(model, b);
  const std::string dir = scratch_dir("saved");
  io::SavedRun run{model.config(), "sort", 23, std::vector<std::string>(32, "t")};
  io::save_run(dir, model, run);
  const io::SavedRun back = io::load_config(dir);
  Generator other(99);
  nn::Transformer loaded(back.config, other);
  io::load_weights(dir, loaded);
  CHECK(loss_on(loaded, b) == before);
  CHECK(back.task == "sort");
  // A Llama-shaped model's config.json carries Hugging Face's fields.
  std::ifstream config(dir + "/config.json");
  const std::string text((std::istreambuf_iterator<char>(config)),
                         std::istreambuf_iterator<char>());
  CHECK(text.find("\"architectures\": [\"LlamaForCausalLM\"]") != std::string::npos);
  CHECK(text.find("\"intermediate_size\": 48") != std::string::npos);
}

TEST_CASE("a corrupt checkpoint folder is an error naming the file, the model is untouched") {
  auto task = tasks::make_synthetic("reverse");
  Generator gen(4);
  nn::Transformer model(tiny_model(task->vocab(), task->seq_len()), gen);
  const std::string dir = scratch_dir("corrupt");
  io::save_run(dir, model, {model.config(), "reverse", 23, std::vector<std::string>(32, "t")});
  const std::vector<double> weights = model.model->norm->weight.to_vector();

  // Weights of another shape: refused before anything is copied.
  nn::ModelConfig wider = model.config();
  wider.hidden_size = 32;
  Generator g2(5);
  nn::Transformer other(wider, g2);
  save_safetensors(dir + "/model.safetensors", other.state_dict());
  CHECK_ERROR([&] { io::load_weights(dir, model); },
              "model.safetensors' does not fit the model of config.json");
  CHECK(model.model->norm->weight.to_vector() == weights);

  // Hostile config.json values.
  std::ofstream(dir + "/config.json")
      << R"({"tapegrad": {"task": "reverse", "modulus": 23, "vocab_size": -1}})";
  CHECK_ERROR([&] { io::load_config(dir); }, "\"vocab_size\" must be a whole number in 1..1048576");
  std::ofstream(dir + "/config.json") << "{\"tapegrad\": ";
  CHECK_ERROR([&] { io::load_config(dir); }, "config.json': json: offset 13");
  std::filesystem::remove(dir + "/config.json");
  CHECK_ERROR([&] { io::load_config(dir); }, "cannot open");
}

TEST_CASE("the same seed gives the identical loss curve") {
  const std::vector<double> a = loss_curve(7, 5), b = loss_curve(7, 5), c = loss_curve(8, 5);
  CHECK(a == b);
  CHECK(a != c);
}

TEST_CASE("a gradient that is not finite stops the step: weights untouched, step and name given") {
  auto task = tasks::make_synthetic("reverse");
  Generator gen(6);
  nn::Transformer model(tiny_model(task->vocab(), task->seq_len()), gen);
  optim::AdamW opt(model.parameters());
  training::train_step(model, opt, task->sample(4, gen), 1.0, 1);  // Adam has state now
  std::vector<std::vector<double>> before;
  for (const Tensor& p : model.parameters()) before.push_back(p.to_vector());
  for (const double poison : {INFINITY, NAN}) {
    training::batch_loss(model, task->sample(4, gen)).backward();
    const auto named = model.named_parameters();
    named[1].second.grad().data<float>()[3] = static_cast<float>(poison);  // a poisoned gradient
    Thrown error;
    try {
      training::apply_gradients(model, opt, 1.0, 7);
    } catch (const training::NonFiniteGradient& e) {
      error = {true, e.what()};
    }
    CHECK_ERROR_STARTS(error, "step 7: the gradient of '" + named[1].first + "' is " +
                                  (std::isnan(poison) ? "NaN" : "infinite"));
    std::size_t i = 0;
    for (const Tensor& p : model.parameters()) CHECK(p.to_vector() == before[i++]);
    for (const Tensor& p : model.parameters())  // and the next step starts clean
      if (p.grad().defined())
        for (double g : p.grad().to_vector()) CHECK(g == 0);
  }
}

TEST_CASE("clip_grad_norm returns a norm that is not finite and leaves the gradients alone") {
  Tensor a = tensor({1.0, 2.0}, {2}).requires_grad_(), b = tensor({3.0}, {1}).requires_grad_();
  (a * tensor({INFINITY, 1.0}, {2}) + b.sum()).sum().backward();
  const std::vector<double> ga = a.grad().to_vector(), gb = b.grad().to_vector();
  CHECK(std::isinf(optim::clip_grad_norm({a, b}, 1.0)));
  CHECK(a.grad().to_vector() == ga);  // not 0 * inf = NaN everywhere
  CHECK(b.grad().to_vector() == gb);
}

TEST_CASE("a saved model's vocabulary: other characters are refused by name, a subset keeps ids") {
  const tasks::CharTask original("abcabcabc", 3, "a.txt");
  CHECK(error_of([&] { tasks::CharTask("ABCABCABC", 3, "upper.txt", original.chars()); }) ==
        "text: 'upper.txt' has 3 characters the model's vocabulary lacks: 'A' 'B' 'C' (a model "
        "can only read the characters it was trained on)");
  const tasks::CharTask subset("cacacaca", 3, "subset.txt", original.chars());
  CHECK(subset.vocab() == 3);
  std::string error;
  CHECK(subset.encode("ca", error) == std::vector<std::int64_t>{2, 0});  // the model's ids
}

TEST_CASE("evaluation in chunks scores the same examples as one whole batch") {
  auto task = tasks::make_synthetic("sort");
  Generator gen(8);
  nn::Transformer model(tiny_model(task->vocab(), task->seq_len()), gen);
  Generator whole_gen(9), chunk_gen(9);
  NoGradGuard no_grad;
  const training::Score whole = training::score(model, task->sample(40, whole_gen));
  const training::Evaluation chunked = training::evaluate(model, *task, 40, 7, chunk_gen);
  CHECK(chunked.complete);
  CHECK(chunked.score.acc == doctest::Approx(whole.acc).epsilon(1e-12));
  CHECK(chunked.score.loss == doctest::Approx(whole.loss).epsilon(1e-6));
  Generator stop_gen(9);
  CHECK(!training::evaluate(model, *task, 40, 7, stop_gen, [] { return true; }).complete);
}

TEST_CASE("read_text_file names a folder as a folder") {
  const std::string dir = scratch_dir("text-folder");
  CHECK(error_of([&] { tasks::read_text_file(dir); }) ==
        "text: '" + dir + "' is a folder, not a file");
}

TEST_CASE("a resumed run with dropout draws the masks the uninterrupted run draws") {
  // Each block, attention layer and FFN keeps a generator of its own for its dropout masks; the
  // run checkpoint saves them (tapegrad.rng.model.<name>). Before it did, 3 + 3 steps after a
  // save and a restore drew other masks than 6 straight steps (issue 25).
  auto task = tasks::make_synthetic("reverse");
  nn::ModelConfig c = tiny_model(task->vocab(), task->seq_len());
  c.dropout = 0.2;
  auto fresh = [&](Generator& init) {
    auto model = std::make_unique<nn::Transformer>(c, init);
    model->train();
    return model;
  };
  std::vector<double> straight;
  {
    Generator init(11), data(12);
    auto model = fresh(init);
    optim::AdamW opt(model->parameters());
    for (int s = 0; s < 6; ++s)
      straight.push_back(training::train_step(*model, opt, task->sample(8, data)));
  }
  const std::string dir = scratch_dir("resume-dropout");
  Generator data(12);
  std::vector<double> resumed;
  {
    Generator init(11);
    auto model = fresh(init);
    REQUIRE(model->named_generators().size() >= 3);  // block, attention and FFN, at least
    optim::AdamW opt(model->parameters());
    for (int s = 0; s < 3; ++s)
      resumed.push_back(training::train_step(*model, opt, task->sample(8, data)));
    io::save_checkpoint(dir, *model, opt, {3, data.state(), Generator(1).state(), {}, {}});
  }
  {
    Generator other_init(99);  // other weights and other generators, all replaced by the restore
    auto model = fresh(other_init);
    optim::AdamW opt(model->parameters());
    const io::Checkpoint checkpoint = io::read_checkpoint(dir);
    CHECK(checkpoint.state.model_rngs.size() == model->named_generators().size());
    io::restore(checkpoint, *model, opt);
    Generator data2;
    data2.set_state(checkpoint.state.train_rng);
    for (int s = 0; s < 3; ++s)
      resumed.push_back(training::train_step(*model, opt, task->sample(8, data2)));
  }
  CHECK(resumed == straight);
  // A checkpoint naming a generator the model does not have is refused, naming it.
  {
    Generator init(11);
    auto model = fresh(init);
    optim::AdamW opt(model->parameters());
    io::Checkpoint checkpoint = io::read_checkpoint(dir);
    checkpoint.state.model_rngs["layers.7.mlp.dropout"] = Generator(3).state();
    CHECK_ERROR([&] { io::restore(checkpoint, *model, opt); },
                "holds \"tapegrad.rng.model.layers.7.mlp.dropout\", a generator this model "
                "has not");
  }
}

TEST_CASE("a saved folder's vocab.json of any size a run can make is read back") {
  // vocab.json was read with a 1 MB cap but written at any size: BPE with --vocab-size 65536 on
  // Cyrillic text saved with exit 0, and --load refused the 1.2 MB file (issue 26). The caps are
  // now one constant, kMaxSavedFileBytes, above the largest file a run can write, and save_run
  // refuses to write more than it. Here: 2048 tokens of 256 Cyrillic letters (512 bytes, 1 KB in
  // the file each), a 2 MB vocab.json.
  const std::int64_t vocab = 2048;
  Generator gen(8);
  nn::Transformer model(tiny_model(vocab, 8, 8), gen);
  std::string letters;
  for (int i = 0; i < 256; ++i) letters += "\xd0\x96";  // Zhe
  std::vector<std::string> tokens(static_cast<std::size_t>(vocab), letters);
  for (std::size_t i = 0; i < tokens.size(); ++i) tokens[i] += std::to_string(i);
  const std::string dir = scratch_dir("big-vocab");
  io::save_run(dir, model, {model.config(), "sort", 23, tokens});
  CHECK(std::filesystem::file_size(dir + "/vocab.json") > (std::uintmax_t{2} << 20));
  const io::SavedRun back = io::load_config(dir);
  CHECK(back.tokens == tokens);
  static_assert(io::kMaxSavedFileBytes >= (std::int64_t{65536} * 128 * 4 * 2 + (1 << 20)),
                "the cap holds the largest vocabulary a run can make");
}

TEST_CASE("config.json's Hugging Face fields must all agree with the tapegrad object, by name") {
  // A top-level "rope_theta" edited to 500000 loaded without a word, though transformers would
  // read another model (issue 26): every field that changes the numbers is compared now.
  const std::string dir = saved_reverse_model("hf-fields", 9);
  REQUIRE_NOTHROW(io::load_config(dir));
  const std::string config = text_of(dir + "/config.json");
  auto edited = [&](const std::string& from, const std::string& to) {
    std::ofstream(dir + "/config.json") << replaced(config, from, to);
    return thrown_by([&] { io::load_config(dir); });
  };
  const std::string theta = "\"rope_theta\": 10000,\n  \"hidden_act\"";
  CHECK_ERROR(edited(theta, "\"rope_theta\": 500000,\n  \"hidden_act\""),
              "config.json': \"rope_theta\" must be 10000, the tapegrad object's \"rope_theta\"");
  CHECK_ERROR(edited("\"hidden_act\": \"silu\"", "\"hidden_act\": \"gelu\""),
              "\"hidden_act\" must be \"silu\"");
  CHECK_ERROR(edited("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 1"),
              "\"num_key_value_heads\" is 1, but the tapegrad object's \"num_attention_heads\" is 2");
  CHECK_ERROR(edited("\"mlp_bias\": false", "\"mlp_bias\": true"), "\"mlp_bias\" must be false");
  // Fields that would make transformers compute another model, and a folder without them.
  CHECK_ERROR(edited("\"torch_dtype\": \"float32\",",
                     "\"torch_dtype\": \"float32\", \"rope_scaling\": {\"factor\": 2},"),
              "\"rope_scaling\" must be null");
  CHECK_ERROR(edited("\"model_type\": \"llama\",", ""), "has no \"model_type\"");
  std::ofstream(dir + "/config.json") << config;
  // vocab.json from another run: its task is named against config.json's.
  std::ofstream(dir + "/vocab.json")
      << "{\"task\": \"sort\", \"encoding\": \"bytes_to_unicode\", \"tokens\": []}";
  CHECK_ERROR([&] { io::load_config(dir); },
              "vocab.json': \"task\" is \"sort\", but '" + dir +
                  "/config.json' says \"reverse\": the two files are from different runs");
}

TEST_CASE("errors name the file and field, and the program once") {
  // "ffn: unknown variant" did not name config.json (issue 26).
  const std::string dir = saved_reverse_model("ffn-field", 10);
  const std::string config =  // read before the ofstream below truncates the file
      replaced(text_of(dir + "/config.json"), "\"ffn\": \"swiglu\"", "\"ffn\": \"nonsense\"");
  std::ofstream(dir + "/config.json") << config;
  CHECK_ERROR_STARTS([&] { io::load_config(dir); },
                     "load: '" + dir + "/config.json': \"ffn\": unknown");
  // The program's name is printed once, even for an error raised under it.
  CHECK(cli::without_program("train_transformer", "train_transformer: x") ==
        "train_transformer: x");
  CHECK(cli::without_program("train_transformer", "load: x") == "train_transformer: load: x");
}

TEST_CASE("a config.json larger than its weights is refused before any model is built") {
  // --load built and initialised the model config.json describes before comparing the weights
  // with it: a config edited to 32 layers of width 1024 cost seconds and gigabytes before the
  // refusal (issue 26). The weights file's size is checked first.
  const std::string dir = saved_reverse_model("config-larger", 11);
  const std::string config =  // read before the ofstream below truncates the file
      replaced(replaced(text_of(dir + "/config.json"), "\"num_hidden_layers\": 1,",
                        "\"num_hidden_layers\": 32,"),                      // Hugging Face's
               "\"num_hidden_layers\": 1,", "\"num_hidden_layers\": 32,");  // the tapegrad object's
  std::ofstream(dir + "/config.json") << config;
  const auto start = std::chrono::steady_clock::now();
  CHECK_ERROR([&] { io::load_config(dir); }, "/model.safetensors' is ",
              "the weights are another model's");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
}

TEST_CASE("a config.json saved before the Hugging Face names loads, each key under its old name") {
  // Issue 27 renamed ModelConfig's fields (and so the tapegrad object's keys) to Hugging Face's:
  // d_model -> hidden_size, layers -> num_hidden_layers, ... A folder saved before says the old
  // keys: it must load as the same model. The old file is the new one with the tapegrad object's
  // keys renamed back (the old save_run wrote the same object, in the same order, under them).
  const std::pair<const char*, const char*> renamed[] = {
      {"vocab_size", "vocab"},
      {"hidden_size", "d_model"},
      {"num_hidden_layers", "layers"},
      {"num_attention_heads", "heads"},
      {"max_position_embeddings", "max_seq"},
      {"intermediate_size", "ffn_hidden"},
      {"rms_norm_eps", "norm_eps"},
      {"tie_word_embeddings", "tie_weights"},
      {"num_local_experts", "experts"},
      {"num_experts_per_tok", "experts_per_token"}};
  nn::ModelConfig mixtral = tiny_model(32, 12);  // Hugging Face's fields at the top level too
  mixtral.num_hidden_layers = 2, mixtral.intermediate_size = 24, mixtral.rms_norm_eps = 1e-6;
  mixtral.num_local_experts = 3, mixtral.num_experts_per_tok = 2;
  nn::ModelConfig gpt2 = tiny_model(32, 12);  // none: LayerNorm, biases, tied, learned positions
  gpt2.rms_norm = false, gpt2.bias = true, gpt2.tie_word_embeddings = true, gpt2.rope = false;
  gpt2.intermediate_size = 20, gpt2.rms_norm_eps = 1e-4, gpt2.num_attention_heads = 4;
  for (const nn::ModelConfig& c : {mixtral, gpt2}) {
    CAPTURE(c.num_local_experts);
    Generator gen(12);
    nn::Transformer model(c, gen);
    const std::string dir = scratch_dir("old-keys");
    io::save_run(dir, model, {model.config(), "reverse", 23, std::vector<std::string>(32, "t")});
    const std::string saved = text_of(dir + "/config.json");
    const std::size_t at = saved.find("\"tapegrad\": {");
    REQUIRE(at != std::string::npos);
    std::string hf = saved.substr(0, at), tapegrad = saved.substr(at);
    for (const auto& [now, before] : renamed)
      tapegrad =
          replaced(tapegrad, "\"" + std::string(now) + "\": ", "\"" + std::string(before) + "\": ");
    std::ofstream(dir + "/config.json") << hf + tapegrad;
    CHECK(text_of(dir + "/config.json").find("\"d_model\": 16,") != std::string::npos);

    const io::SavedRun back = io::load_config(dir);
    const nn::ModelConfig& b = back.config;
    CHECK(b.vocab_size == c.vocab_size);
    CHECK(b.hidden_size == c.hidden_size);
    CHECK(b.num_hidden_layers == c.num_hidden_layers);
    CHECK(b.num_attention_heads == c.num_attention_heads);
    CHECK(b.max_position_embeddings == c.max_position_embeddings);
    CHECK(b.intermediate_size == c.intermediate_size);
    CHECK(b.rms_norm_eps == c.rms_norm_eps);
    CHECK(b.tie_word_embeddings == c.tie_word_embeddings);
    CHECK(b.num_local_experts == c.num_local_experts);
    CHECK(b.num_experts_per_tok == c.num_experts_per_tok);
    CHECK(b.rms_norm == c.rms_norm);
    CHECK(b.rope == c.rope);
    CHECK(b.bias == c.bias);
    Generator other(99);
    nn::Transformer loaded(b, other);
    io::load_weights(dir, loaded);
    const std::vector<std::int64_t> ids{1, 5, 9, 30, 2};
    CHECK(loaded.forward(ids, 1, 5).to_vector() == model.forward(ids, 1, 5).to_vector());

    // A file with a key under both names is refused, naming both.
    std::ofstream(dir + "/config.json")
        << replaced(hf + tapegrad, "\"d_model\": 16,", "\"d_model\": 16, \"hidden_size\": 16,");
    CHECK(error_of([&] {
            io::load_config(dir);
          }).find("the tapegrad object has both \"hidden_size\" and \"d_model\"") !=
          std::string::npos);
  }
}
