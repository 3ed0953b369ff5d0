// examples/train_transformer.cpp — trains a toy decoder-only transformer end to end.
//
//   build/bin/train_transformer                      # the reverse task, to >= 99% accuracy
//   build/bin/train_transformer --task sort --steps 1500
//   build/bin/train_transformer --text book.txt --seq 64 --steps 2000 --generate "The "
//   build/bin/train_transformer --text /usr/share/common-licenses --tokenizer bpe --vocab-size 512
//   build/bin/train_transformer --load DIR --tokenize "some text"   (prints the ids, one line)
//   build/bin/train_transformer --load DIR --generate "3141592653589793|"   (evaluates, no
//   training)
//   build/bin/train_transformer --steps 5000 --save run --save-every 200    then, after Ctrl-C:
//   build/bin/train_transformer --resume run
//
// The program runs in three stages, in this order:
//   1. options(): every flag parsed and range-checked (with a resumed run's saved flags and a
//      saved model's config.json), before any work; a bad one ends with the usage, exit code 2.
//   2. every output (--out, --save, --loss-log, --logits-out) created and test-written, and the
//   model,
//      the task and the optimizer built; --save DIR is written once before step 1.
//   3. training, evaluation, saving and generation.
// Each step: a fresh batch, forward, cross-entropy over the scored positions, backward, a check
// that every gradient is finite, gradient clipping, an AdamW step. Every --eval-every steps the
// model is scored on freshly drawn examples it never trained on (token accuracy and exact match
// of whole answers), in chunks of --batch examples. A progress bar shows step, loss, accuracy,
// tokens/s and ETA (plain lines when stdout is not a terminal; "eval --" until the first
// evaluation), and the last line is a summary, each number named by where it was measured:
//   summary: task=... ffn=... params=... steps=... train_loss=... eval_step=... eval_loss=...
//   eval_acc=... eval_exact=... ms_per_step=... tokens_per_s=... peak_rss_mb=... val_loss=...
//   val_ppl=...
// train_loss is the last training batch's loss; eval_* the last evaluation's, made after step
// eval_step on examples never trained on; val_loss and val_ppl (its perplexity, e^val_loss) the
// same evaluation's when it was made on held-out text (--text: the last --val-fraction of each
// file, docs/text.md); "none" for what was not measured.
// Ctrl-C or SIGTERM during training finishes the current step, saves everything to --save DIR (or
// ./interrupted-run) and exits with status 130 (143 for SIGTERM); --resume DIR continues with the
// loss curve the uninterrupted run would have had (run_checkpoint.hpp says what is saved). A
// second signal exits at once; outside training (reading files, evaluating a loaded model,
// generating) a signal stops the program at once (interrupt.hpp).
// After training it draws into --out DIR (default tapegrad-out/train_transformer): the loss and
// accuracy curves of the steps it ran (training_curves.svg and .csv) and the attention weights of
// every layer and head on one example (attention_weights.svg), training_plots.hpp says how; with
// --ffn moe also each expert's share of the tokens over the steps (expert_load.svg) and the
// experts the tokens of that example go to (expert_routing.svg), moe_plots.hpp says how.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

#include "checkpoint_io.hpp"
#include "cli.hpp"
#include "core/fast/parallel.hpp"
#include "core/formats/file_io.hpp"
#include "core/formats/safetensors.hpp"
#include "core/tapegrad.hpp"
#include "generate.hpp"
#include "interrupt.hpp"
#include "layers/optim.hpp"
#include "layers/transformer.hpp"
#include "moe_plots.hpp"
#include "outputs.hpp"
#include "plot/svg.hpp"
#include "run_checkpoint.hpp"
#include "tasks.hpp"
#include "text/bpe_task.hpp"
#include "text/documents.hpp"
#include "training.hpp"
#include "training_plots.hpp"

using namespace tg;

namespace {

const char* kUsage =
    "usage: train_transformer [flags]\n"
    "  --task NAME        copy | reverse | sort | modadd (default reverse)\n"
    "  --text PATH        language modelling of a file, or of a folder's files (sorted by name;\n"
    "                     sub-folders, hidden files and links to files read are skipped), instead\n"
    "                     of a task; the last --val-fraction of each file is held out (with\n"
    "                     --load or --resume and bytes: PATH may use only the model's characters)\n"
    "  --tokenizer T      with --text: byte (a token per byte value the text uses) | bpe "
    "(byte-level\n"
    "                     BPE trained on the text, saved as tokenizer.json; docs/text.md)\n"
    "                     (default byte)\n"
    "  --vocab-size N     with --tokenizer bpe: tokens, 256..65536, at most what the text allows\n"
    "                     (default 512)\n"
    "  --val-fraction F   with --text: the share of each file held out to validate on, never\n"
    "                     trained on, more than 0 and at most 0.5 (default 0.1)\n"
    "  --tokenize TEXT    with --load: print the ids of TEXT under the model's tokenizer,\n"
    "                     space-separated on one line, and exit\n"
    "  --modulus P        modadd's modulus, 2..200 (default 23)\n"
    "  --ffn KIND         relu gelu swish glu bilinear reglu geglu swiglu, or moe: a mixture of\n"
    "                     SwiGLU experts as Mixtral's (docs/moe.md) (default swiglu)\n"
    "  --experts E        with --ffn moe: experts per layer, 1..64 (default 8)\n"
    "  --experts-per-token K  with --ffn moe: experts each token is routed to, 1..E (default 2)\n"
    "  --aux-loss-coef X  with --ffn moe: weight of the balancing loss, 0..100 (default 0.01)\n"
    "  --z-loss-coef X    with --ffn moe: weight of the router z-loss, 0..100 (default 0)\n"
    "  --d-model N        width, 8..1024 (default 64)\n"
    "  --layers N         blocks, 1..32 (default 2)\n"
    "  --heads N          attention heads, dividing d-model (default 4)\n"
    "  --positions P      learned | rope (default learned, as GPT-2 and the PyTorch peer of\n"
    "                     docs/peer.md)\n"
    "  --norm N           rms | layer (default rms)\n"
    "  --seq N            with --text: context length, 2..1024 (default 64); tasks fix their own\n"
    "  --batch N          examples per step, 1..4096 (default 32)\n"
    "  --train-batches N  train on N batches drawn once, in turn, instead of a fresh batch every\n"
    "                     step, 0..1000000 (default 0: fresh); --train-batches 1 overfits one\n"
    "                     batch on purpose, the first check of a training loop (training.md)\n"
    "  --steps N          training steps, 0..1000000 (default 400; stops early, see --stop-at)\n"
    "  --lr X             peak learning rate (default 0.001)\n"
    "  --schedule S       constant | cosine (linear warm-up, cosine decay to lr/10) (default "
    "constant)\n"
    "  --warmup N         warm-up steps for cosine (default 0)\n"
    "  --weight-decay X   AdamW decay on matrices (default 0.01)\n"
    "  --clip X           gradient clipping by global norm, 0 = off (default 1)\n"
    "  --seed N           seed for weights, data and sampling (default 0)\n"
    "  --threads N        threads for the kernels, 1..1024 (default: the hardware threads);\n"
    "                     any count gives the same numbers, bit for bit\n"
    "  --eval-every N     steps between evaluations, 1..100000 (default 10)\n"
    "  --eval-batch N     examples per evaluation, 1..1000000 (default 512), scored in chunks\n"
    "                     of --batch, so it needs no more memory than a training step\n"
    "  --stop-at PCT      stop when evaluation accuracy reaches PCT% (default 99 for tasks,\n"
    "                     0 = never; text runs never stop early)\n"
    "  --save DIR         write model.safetensors, config.json and vocab.json (and with\n"
    "                     --tokenizer bpe, tokenizer.json) into DIR, and\n"
    "                     checkpoint.safetensors (optimizer and generator states too): once\n"
    "                     before step 1 (so a folder that cannot hold them stops the run at\n"
    "                     once), on Ctrl-C or SIGTERM, and at the end\n"
    "  --save-every N     also save every N steps, so a crash loses at most N steps (0 = off)\n"
    "  --resume DIR       continue the run saved in DIR where it stopped, with its flags (a flag\n"
    "                     given again overrides); saves go to DIR unless --save says otherwise\n"
    "  --load DIR         start from a saved model (its config sets the model: the model flags\n"
    "                     cannot be given); it is evaluated (a text model on its own text file,\n"
    "                     or on --text FILE), and trained further only if --steps is given\n"
    "  --out DIR          where to draw the loss and accuracy curves (training_curves.svg, .csv)\n"
    "                     and the attention weights on one example (attention_weights.svg)\n"
    "                     (default tapegrad-out/train_transformer)\n"
    "  --loss-log FILE    write \"step loss\" for every training step to FILE (with --resume, the\n"
    "                     lines up to the checkpoint's step are kept and the log continues)\n"
    "  --simulate-interrupt N     behave as if Ctrl-C arrived during step N (to test resuming)\n"
    "  --simulate-bad-gradient N  make a gradient NaN in step N (to test that the run stops)\n"
    "  --generate TEXT    after training, continue TEXT (tasks: digits and '|', modadd: \"3+4=\")\n"
    "  --temperature X    0 = greedy (default); otherwise sample from softmax(logits / X)\n"
    "  --top-k K          with --temperature: sample among the K most likely tokens only,\n"
    "                     1..1000000 (more than the vocabulary keeps them all)\n"
    "  --top-p P          with --temperature: sample among the smallest set of most likely\n"
    "                     tokens whose probability reaches P, in (0, 1] (nucleus sampling)\n"
    "                     (the draws follow --seed: the same seed gives the same text)\n"
    "  --kv-cache on|off  keep each layer's keys and values while generating (default on);\n"
    "                     off recomputes the whole context for every token\n"
    "  --max-new N        tokens to generate, 1..10000 (default 32)\n"
    "  --logits-out FILE  with --generate, also save the prompt's logits (T, vocab) as\n"
    "                     safetensors, to compare with another implementation (docs/training.md)\n"
    "  --reference        run the readable floor (the loops the tutorial quotes) instead of the\n"
    "                     fast one: the same training to rounding, several times slower\n";

// Every choice the command line (and a resumed run's checkpoint, and a loaded model's
// config.json) makes, checked.
struct Options {
  std::string resume_dir, load_dir;  // load_dir: where the model comes from (--load or --resume)
  io::Checkpoint checkpoint;         // --resume: the saved run
  io::SavedRun run;                  // the model's config, task and tokens
  bool fresh = true;                 // a new model, from the flags
  std::string text_file;             // text runs: the file (given, or the saved model's own)
  bool text_file_given = true;       // false: the loaded model's own file, which may be gone
  std::int64_t seq = 0, modulus = 23;
  std::int64_t steps = 0, batch = 0, eval_every = 0, eval_batch = 0, max_new = 0, warmup = 0;
  std::int64_t save_every = 0, simulate_interrupt = 0, simulate_bad_gradient = 0;
  std::int64_t train_batches = 0, vocab_size = 0;
  double val_fraction = 0;
  bool tokenize = false;  // --tokenize: print the ids of `tokenize_text` and exit
  std::string tokenize_text;
  std::uint64_t seed = 0;
  int threads = 0;
  double lr = 0, weight_decay = 0, clip = 0, temperature = 0, stop_at = 0;
  bool cosine = false;
  generation::SamplingOptions sampling;  // --temperature, --top-k, --top-p
  bool kv_cache = true;
  std::string save_dir, loss_log, prompt, logits_out, out_dir;
  std::map<std::string, std::string> run_flags;  // what a checkpoint records of this run
};

constexpr const char* kFfnKinds[] = {"relu",  "gelu",  "swish",  "glu", "bilinear",
                                     "reglu", "geglu", "swiglu", "moe"};

// Each expert's share of the routed tokens in the last forward, averaged over the layers (sums
// to 1: the balancing loss's f_i / k).
std::vector<double> expert_load(const nn::Transformer& model) {
  const nn::ModelConfig& c = model.config();
  std::vector<double> load(static_cast<std::size_t>(c.num_local_experts), 0.0);
  for (const auto& block : model.model->blocks)
    for (std::size_t i = 0; i < load.size(); ++i)
      load[i] += block->routing().load[i] /
                 static_cast<double>(c.num_hidden_layers * c.num_experts_per_tok);
  return load;
}

// " aux 2.013 load 13/12/12/13/13/12/13/12%" for a model with experts: the balancing loss of
// the last forward per layer (k when perfectly balanced) and each expert's share in percent;
// "" without experts.
std::string router_summary(const nn::Transformer& model) {
  const nn::ModelConfig& c = model.config();
  if (c.num_local_experts == 0) return "";
  NoGradGuard no_grad;  // for display: nothing to record
  char number[32];
  std::snprintf(number, sizeof number, " aux %.3f load",
                model.balance_loss().item() / static_cast<double>(c.num_hidden_layers));
  std::string text = number;
  const std::vector<double> load = expert_load(model);
  for (std::size_t i = 0; i < load.size(); ++i) {
    std::snprintf(number, sizeof number, "%s%.0f", i ? "/" : " ", 100 * load[i]);
    text += number;
  }
  return text + "%";
}

// Appends `end` to the C string `line` of `size` bytes, cutting it if it does not fit.
void line_end(char* line, std::size_t size, const std::string& end) {
  std::strncat(line, end.c_str(), size - std::strlen(line) - 1);
}

// The FFN's name as the flags say it: "moe" for a mixture of experts, else the kind.
std::string ffn_label(const nn::ModelConfig& c) {
  return c.num_local_experts > 0 ? "moe" : nn::ffn_kind_name(c.ffn);
}

// Stage 1: all flags, before any work. A bad value ends the program with the usage (exit 2);
// a file that cannot be read (--resume, --load) is an error naming it (exit 1).
// Where Ctrl-C saves a run that has no --save folder.
const char* const kInterruptedDir = "interrupted-run";

Options options(int argc, char** argv) {
  cli::Flags flags("train_transformer", kUsage);
  for (auto [name, value] : std::initializer_list<std::pair<const char*, const char*>>{
           {"task", "reverse"},
           {"text", ""},
           {"modulus", "23"},
           {"ffn", "swiglu"},
           {"experts", "8"},
           {"experts-per-token", "2"},
           {"aux-loss-coef", "0.01"},
           {"z-loss-coef", "0"},
           {"d-model", "64"},
           {"layers", "2"},
           {"heads", "4"},
           {"positions", "learned"},
           {"norm", "rms"},
           {"seq", "64"},
           {"batch", "32"},
           {"steps", "400"},
           {"train-batches", "0"},
           {"val-fraction", "0.1"},
           {"tokenizer", "byte"},
           {"vocab-size", "512"},
           {"tokenize", ""},
           {"lr", "0.001"},
           {"schedule", "constant"},
           {"warmup", "0"},
           {"weight-decay", "0.01"},
           {"clip", "1"},
           {"seed", "0"},
           {"threads", ""},
           {"eval-every", "10"},
           {"eval-batch", "512"},
           {"stop-at", ""},
           {"save", ""},
           {"load", ""},
           {"generate", ""},
           {"temperature", "0"},
           {"top-k", ""},
           {"top-p", "1"},
           {"kv-cache", "on"},
           {"max-new", "32"},
           {"logits-out", ""},
           {"save-every", "0"},
           {"resume", ""},
           {"loss-log", ""},
           {"out", "tapegrad-out/train_transformer"},
           {"simulate-interrupt", "0"},
           {"simulate-bad-gradient", "0"}})
    flags.add(name, value);
  flags.add_switch("reference");
  flags.allow_empty("tokenize");  // the empty text has ids too: none
  flags.parse(argc, argv);
  if (flags.on("reference")) tg::fast::disable();  // the code chapters 1-9 quote, nothing faster
  Options o;

  // Resuming: the saved run's flags apply unless given again (a bad saved value is reported
  // with the checkpoint's path), and saves go back to its folder.
  o.resume_dir = flags.text("resume");
  if (!o.resume_dir.empty() && flags.given("load"))
    flags.error(
        "--resume and --load exclude each other (--resume continues a run, --load "
        "starts a new one from a saved model)");
  // Flags of this invocation only, not of the run: a save never records them, and a resumed run
  // does not repeat them.
  static const std::set<std::string> kOneOff = {"resume",
                                                "save",
                                                "load",
                                                "loss-log",
                                                "out",
                                                "simulate-interrupt",
                                                "simulate-bad-gradient",
                                                "generate",
                                                "logits-out",
                                                "temperature",
                                                "max-new",
                                                "top-k",
                                                "top-p",
                                                "kv-cache",
                                                "tokenize"};
  o.run_flags = flags.given_values();
  if (!o.resume_dir.empty()) {
    o.checkpoint = io::read_checkpoint(o.resume_dir);
    for (const auto& [name, value] : o.checkpoint.state.flags) {
      // Only what a save records is restored: a checkpoint naming an output ("loss-log":
      // "victim.txt" would truncate that file) was not written by a run, and is refused.
      if (kOneOff.count(name))
        flags.error("'" + o.checkpoint.path + "' records --" + name +
                    ", which applies to one invocation and is never saved: the checkpoint was "
                    "edited by hand; remove it there, or give the flag on the command line");
      flags.fill(name, value, o.checkpoint.path);  // range-checked below as if typed, naming
      o.run_flags.emplace(name, value);            // the file; what is given now wins
    }
    // Fewer steps than the checkpoint has done would train nothing and record a target behind
    // the run; --steps 0 resumes to evaluate or generate, not to change the run's target: the
    // saved number of steps stays what the next save records.
    if (flags.given("steps") && flags.text("steps") != "0") {
      const std::int64_t asked = flags.integer("steps", 0, 1000000);
      if (asked < o.checkpoint.state.step)
        flags.error("--steps " + std::to_string(asked) + " is below the " +
                    std::to_string(o.checkpoint.state.step) + " steps '" + o.checkpoint.path +
                    "' has done: give more to continue, or --steps 0 to evaluate it");
    }
    if (flags.given("steps") && flags.text("steps") == "0") {
      const auto saved = o.checkpoint.state.flags.find("steps");
      if (saved != o.checkpoint.state.flags.end())
        o.run_flags["steps"] = saved->second;
      else
        o.run_flags.erase("steps");
    }
    flags.fill("save", o.resume_dir);
  }
  for (const std::string& name : kOneOff) o.run_flags.erase(name);

  // Every value, range-checked, whether it will be used or not.
  const std::string task_name = flags.choice("task", {"copy", "reverse", "sort", "modadd"});
  o.modulus = flags.integer("modulus", 2, 200);
  const std::string ffn = flags.text("ffn");
  if (std::find(std::begin(kFfnKinds), std::end(kFfnKinds), ffn) == std::end(kFfnKinds))
    flags.bad("ffn", "must be one of relu, gelu, swish, glu, bilinear, reglu, geglu, swiglu, moe");
  const bool moe = ffn == "moe";
  const auto experts = flags.integer("experts", 1, 64);
  const auto experts_per_token = flags.integer("experts-per-token", 1, 64);
  if (experts_per_token > experts)
    flags.bad("experts-per-token", "must be at most --experts (" + std::to_string(experts) + ")");
  const double aux_coef = flags.real("aux-loss-coef", 0, 100),
               z_coef = flags.real("z-loss-coef", 0, 100);
  // (With --load or --resume the saved model decides, and these flags are refused below as
  // changes to it.)
  const bool saved_model = !o.resume_dir.empty() || flags.given("load");
  for (const char* name : {"experts", "experts-per-token", "aux-loss-coef", "z-loss-coef"})
    flags.needs(name, moe || saved_model || !flags.given(name), "applies to --ffn moe only");
  const auto d_model = flags.integer("d-model", 8, 1024), layers = flags.integer("layers", 1, 32),
             heads = flags.integer("heads", 1, 64);
  const bool rope = flags.choice("positions", {"learned", "rope"}) == "rope";
  const bool rms = flags.choice("norm", {"rms", "layer"}) == "rms";
  o.seq = flags.integer("seq", 2, 1024);
  o.batch = flags.integer("batch", 1, 4096);
  o.seed = static_cast<std::uint64_t>(flags.integer("seed", 0, 1LL << 62));
  o.eval_every = flags.integer("eval-every", 1, 100000);
  o.train_batches = flags.integer("train-batches", 0, 1000000);
  o.val_fraction = flags.real("val-fraction", 0, 0.5);
  if (o.val_fraction == 0)
    flags.bad("val-fraction", "must be more than 0 (a model is validated on held-out text)");
  const bool bpe = flags.choice("tokenizer", {"byte", "bpe"}) == "bpe";
  o.vocab_size = flags.integer("vocab-size", 256, 65536);
  flags.needs("vocab-size", bpe, "applies to --tokenizer bpe only");
  o.tokenize = flags.given("tokenize");
  o.tokenize_text = flags.text("tokenize");
  if (o.tokenize)  // it prints the text's ids and nothing else: any other flag would do nothing
    for (const auto& [name, value] : flags.given_values())
      if (name != "tokenize" && name != "load")
        flags.error("--" + name +
                    " does nothing with --tokenize, which only prints the ids of a "
                    "text (with --load DIR)");
  o.eval_batch = flags.integer("eval-batch", 1, 1000000);
  o.max_new = flags.integer("max-new", 1, 10000);
  o.threads = flags.text("threads").empty() ? get_num_threads()
                                            : static_cast<int>(flags.integer("threads", 1, 1024));
  o.lr = flags.real("lr", 0, 10);
  o.weight_decay = flags.real("weight-decay", 0, 10);
  o.clip = flags.real("clip", 0, 1e6);
  o.temperature = flags.real("temperature", 0, 100);
  o.sampling.temperature = o.temperature;
  if (flags.given("top-k")) o.sampling.top_k = flags.integer("top-k", 1, 1000000);
  const auto top_p = cli::real_number(flags.text("top-p"), 0, 1);
  if (!top_p || *top_p == 0) flags.bad("top-p", "must be a number in (0, 1]");
  o.sampling.top_p = *top_p;
  o.kv_cache = flags.choice("kv-cache", {"on", "off"}) == "on";
  o.warmup = flags.integer("warmup", 0, 1000000);
  o.cosine = flags.choice("schedule", {"constant", "cosine"}) == "cosine";
  o.save_every = flags.integer("save-every", 0, 1000000);
  o.simulate_interrupt = flags.integer("simulate-interrupt", 0, 1000000);
  o.simulate_bad_gradient = flags.integer("simulate-bad-gradient", 0, 1000000);
  o.save_dir = flags.text("save");
  o.loss_log = flags.text("loss-log");
  o.out_dir = flags.text("out");
  if (o.out_dir.empty()) flags.bad("out", "must name a folder");
  o.prompt = flags.text("generate");
  o.logits_out = flags.text("logits-out");
  o.text_file = flags.text("text");
  o.text_file_given = flags.given("text");  // typed now, not read back from a checkpoint
  const std::string load = flags.text("load");
  flags.needs("tokenize", !load.empty(), "needs --load DIR (the ids are a saved model's)");
  // A loaded model is evaluated (and can generate) unless --steps asks for more training.
  o.steps = !load.empty() && !flags.given("steps") ? 0 : flags.integer("steps", 0, 1000000);
  const double stop_at = flags.text("stop-at").empty() ? -1 : flags.real("stop-at", 0, 100);

  // Flags that would be ignored are refused: a run must not silently differ from what was asked.
  flags.needs("warmup", o.cosine, "applies to --schedule cosine only (the constant rate has none)",
              /*saved_too=*/true);
  for (const char* name :
       {"lr", "schedule", "warmup", "weight-decay", "clip", "train-batches", "eval-every",
        "stop-at", "save-every", "loss-log", "simulate-interrupt", "simulate-bad-gradient"})
    flags.needs(
        name, o.steps > 0,
        std::string("applies to training, and this run trains no step (--steps is 0") +
            (!load.empty() && !flags.given("steps") ? ", as --load has it unless given" : "") +
            ")");
  flags.needs("save-every", o.save_every == 0 || !o.save_dir.empty(), "needs --save DIR");
  flags.needs("logits-out", !o.prompt.empty(),
              "needs --generate TEXT (the logits are the prompt's)");
  flags.needs("temperature", !o.prompt.empty(), "needs --generate TEXT");
  flags.needs("max-new", !o.prompt.empty(), "needs --generate TEXT");
  for (const char* name : {"top-k", "top-p", "kv-cache"})
    flags.needs(name, !o.prompt.empty(), "needs --generate TEXT");
  for (const char* name : {"top-k", "top-p"})
    flags.needs(name, o.temperature > 0, "needs --temperature above 0 (0 is greedy)");
  o.load_dir = o.resume_dir.empty() ? load : o.resume_dir;
  o.fresh = o.load_dir.empty();
  if (!o.fresh) {
    // The model is the saved one: flags that shape a model would be ignored.
    for (const char* name : {"task", "modulus", "ffn", "d-model", "layers", "heads", "positions",
                             "norm", "seq", "experts", "experts-per-token", "aux-loss-coef",
                             "z-loss-coef", "tokenizer", "vocab-size"})
      if (flags.given(name))
        flags.error(std::string("--") + name + " cannot change a saved model: '" + o.load_dir +
                    "/config.json' sets it");
  } else {
    flags.needs("task", o.text_file.empty(), "and --text exclude each other");
    flags.needs("seq", !o.text_file.empty(),
                "applies to --text only (the tasks fix their own length)");
    flags.needs("modulus", task_name == "modadd", "applies to --task modadd only");
    flags.needs("val-fraction", !o.text_file.empty(),
                "applies to --text only (a task's examples are always fresh)");
    flags.needs("tokenizer", !o.text_file.empty(), "applies to --text only");
  }

  // The model: from a saved folder, or from the flags.
  if (!o.fresh) {
    o.run = io::load_config(o.load_dir);
    const bool text_model = o.run.task.rfind("text:", 0) == 0;
    if (!o.text_file.empty() && !text_model)
      flags.error("--text: the model in '" + o.load_dir + "' was trained on the task '" +
                  o.run.task + "', not on text");
    // A resumed run continues on its own text: config.json's task names it, and a --text typed
    // now or edited into the checkpoint that differs would train on another text under its name.
    if (!o.resume_dir.empty() && text_model && o.text_file != o.run.task.substr(5))
      flags.error("--text '" + o.text_file + "' is not the text the run in '" + o.resume_dir +
                  "' trains on ('" + o.run.task.substr(5) +
                  "', its config.json's task): a resumed run continues on its own text");
    if (text_model && o.text_file.empty()) {  // its own text, if that file is still there
      o.text_file = o.run.task.substr(5);
      o.text_file_given = false;
    }
    if (o.tokenize && !text_model)
      flags.error("--tokenize: the model in '" + o.load_dir + "' was trained on the task '" +
                  o.run.task + "', not on text: it has no tokenizer");
    if (text_model && o.run.tokenizer == "byte")  // every token is one character (a byte)
      for (std::size_t id = 0; id < o.run.tokens.size(); ++id)
        if (o.run.tokens[id].size() != 1)
          fail("load", "'", o.load_dir, "/vocab.json': token ", id,
               " of a text model must be one character");
  } else {
    nn::ModelConfig& c = o.run.config;
    c.hidden_size = d_model, c.num_hidden_layers = layers, c.num_attention_heads = heads;
    c.ffn = moe ? nn::FFNKind::SwiGLU : nn::parse_ffn_kind(ffn);  // moe: SwiGLU experts
    if (moe) {
      c.num_local_experts = experts, c.num_experts_per_tok = experts_per_token;
      c.router_aux_loss_coef = aux_coef, c.router_z_loss_coef = z_coef;
    }
    c.rope = rope, c.rms_norm = rms;
    if (c.hidden_size % c.num_attention_heads != 0 ||
        (c.hidden_size / c.num_attention_heads) % 2 != 0)
      flags.error("--heads must split --d-model into heads of even size");
    o.run.modulus = o.modulus;
    if (o.text_file.empty()) {
      const auto task = tasks::make_synthetic(task_name, o.modulus);
      c.vocab_size = task->vocab(), c.max_position_embeddings = task->seq_len();
      o.run.task = task->name();
    } else {
      // Bytes: at most 256, the text fixes it once read (the memory check needs a bound).
      c.vocab_size = bpe ? o.vocab_size : 256;
      c.max_position_embeddings = o.seq;
      o.run.tokenizer = bpe ? "bpe" : "byte";
    }
  }
  const bool is_text = !o.text_file.empty();
  o.stop_at = stop_at >= 0 ? stop_at : (is_text ? 0.0 : 99.0);

  // Memory: refuse a run that cannot fit in this machine (training.md, "Memory").
  const double need = training::estimate_peak_bytes(o.run.config, o.batch, o.threads);
  const double have =
      static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
  if (have > 0 && need > have) {
    std::ostringstream m;
    m.precision(2);
    m << std::fixed << "this model, --batch " << o.batch << " and sequences of "
      << o.run.config.max_position_embeddings << " need about " << need / 1e9
      << " GB at the peak of a step, more "
      << "than this machine's " << have / 1e9 << " GB; "
      << (o.fresh ? "make --batch, --seq, --d-model or --layers smaller"
                  : "make --batch smaller (the saved model's sizes cannot change)");
    flags.error(m.str());
  }
  return o;
}

// Peak resident memory of this process so far, in MB (Linux reports kilobytes).
double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// --loss-log FILE: a new run starts the file afresh; a resumed run keeps the lines up to the
// checkpoint's step (the steps it continues from) and drops any later ones, which belong to
// steps done after the checkpoint and about to be done again.
std::ofstream open_loss_log(const std::string& path, bool resuming, std::int64_t resumed_step) {
  std::string kept;
  if (resuming) {
    std::ifstream old(path);
    for (std::string line; std::getline(old, line);) {
      long long step = 0;
      if (std::sscanf(line.c_str(), "%lld", &step) != 1 || step > resumed_step) break;
      kept += line + "\n";
    }
  }
  std::ofstream log(path, std::ios::trunc);
  log << kept << std::flush;
  if (!log) fail("--loss-log", "cannot write '", path, "'");
  return log;
}

// How a token is drawn as a label: printable ASCII as it is, a space as "␣", a newline as "↵",
// any other byte as "·" (a byte of a multi-byte character is not text on its own, and the SVG
// must be valid UTF-8).
std::string label_of(const std::string& token) {
  std::string label;  // byte by byte: a BPE token has several
  for (char ch : token)
    label += ch == ' '                ? "\u2423"
             : ch == '\n'             ? "\u21b5"
             : ch < 0x21 || ch > 0x7e ? "\u00b7"
                                      : std::string(1, ch);
  return label;
}

// The entropy of a text task's token frequencies (the loss of a model that ignores context), in
// nats per token; 0 for the other tasks.
double unigram_entropy(const tasks::Task* task) {
  if (const auto* bytes = dynamic_cast<const tasks::CharTask*>(task))
    return bytes->unigram_entropy();
  if (const auto* bpe = dynamic_cast<const text::BPETask*>(task)) return bpe->unigram_entropy();
  return 0;
}

// The text tasks of a run: `documents` split by --val-fraction, the training part returned and
// the held-out part put in `eval_task`, each read through the tokenizer: bytes (a saved model's
// characters, or a new model's: those of the whole text), or BPE (a saved model's tokenizer.json,
// or one trained here on the training part alone, put in `run`).
std::unique_ptr<tasks::Task> text_tasks(const Options& o,
                                        const std::vector<text::Document>& documents,
                                        const std::vector<std::string>& skipped, io::SavedRun& run,
                                        std::unique_ptr<tasks::Task>& eval_task) {
  if (!skipped.empty()) {
    std::cout << "text: skipped " << skipped.size() << " in '" << o.text_file << "':";
    for (std::size_t i = 0; i < skipped.size() && i < 5; ++i) std::cout << " " << skipped[i];
    std::cout << (skipped.size() > 5 ? " ..." : "") << "\n";
  }
  const text::Split split = text::split_documents(documents, o.val_fraction);
  const std::string train = text::joined(split.train), val = text::joined(split.val);
  const std::int64_t seq = run.config.max_position_embeddings;
  if (train.empty()) fail("text", "'", o.text_file, "' is empty: there is nothing to train on");
  if (static_cast<std::int64_t>(train.size()) < seq + 2 ||
      static_cast<std::int64_t>(val.size()) < seq + 2) {
    std::ostringstream m;  // the flag's fault, found once the text is read: exit code 2
    m << "--val-fraction: '" << o.text_file << "' has " << train.size() << " bytes to train on and "
      << val.size() << " held out (" << o.val_fraction
      << " of each file); each part needs at least " << seq + 2 << " (sequences of " << seq << ")";
    throw cli::FlagError(m.str());
  }
  if (run.tokenizer == "bpe") {
    if (!run.bpe) {
      const auto start = std::chrono::steady_clock::now();
      try {  // --vocab-size is checked against 256..65536 already: what fails here is the text
        run.bpe = std::make_shared<text::BPE>(
            text::BPE::train(train, run.config.vocab_size, o.text_file));
      } catch (const tg::Error& e) {
        throw cli::FlagError(e.what());  // "--vocab-size: N is more than 'FILE' allows: ..."
      }
      std::printf("tokenizer: BPE with %lld tokens, trained on %zu bytes in %.2f s\n",
                  static_cast<long long>(run.bpe->vocab_size()), train.size(),
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    try {  // a part shorter than a window of seq + 2 tokens: --val-fraction's share (or --seq)
      eval_task =
          std::make_unique<text::BPETask>(run.bpe, split.val, seq, o.text_file, "held-out part");
      return std::make_unique<text::BPETask>(run.bpe, split.train, seq, o.text_file,
                                             "training part");
    } catch (const tg::Error& e) {
      throw cli::FlagError(std::string("--val-fraction (or --seq): ") + e.what());
    }
  }
  // Bytes: a saved model reads the text through its own vocabulary (CharTask refuses characters
  // it lacks); a new one takes the characters of the whole text, held-out part included, so that
  // both parts are read with the same ids.
  std::string vocabulary;
  for (const std::string& token : run.tokens) vocabulary += token;
  if (vocabulary.empty()) vocabulary = tasks::CharTask(train + val, seq, o.text_file).chars();
  eval_task = std::make_unique<tasks::CharTask>(val, seq, o.text_file, vocabulary);
  return std::make_unique<tasks::CharTask>(train, seq, o.text_file, vocabulary);
}

// --tokenize TEXT: the ids of TEXT under a saved text model's tokenizer (tokenizer.json, or one
// byte per token for a byte model, which knows only the characters of its text).
std::vector<std::int64_t> tokenize(const io::SavedRun& run, const std::string& dir,
                                   const std::string& text) {
  if (run.bpe) return run.bpe->encode(text);
  std::vector<std::int64_t> ids;
  for (unsigned char c : text) {
    std::int64_t id = -1;
    for (std::size_t t = 0; t < run.tokens.size() && id < 0; ++t)
      if (run.tokens[t] == std::string(1, static_cast<char>(c))) id = static_cast<std::int64_t>(t);
    if (id < 0)
      fail("tokenize", "byte ", static_cast<int>(c), " is not in the vocabulary of '", dir,
           "/vocab.json' (a byte model knows only the characters of its training text)");
    ids.push_back(id);
  }
  return ids;
}

std::string join_ids(const std::vector<std::int64_t>& ids) {
  std::string line;
  for (std::size_t i = 0; i < ids.size(); ++i) line += (i ? " " : "") + std::to_string(ids[i]);
  return line;
}

// The lines the loss and accuracy are read against (training.md, "Sanity checks"): a model that
// knows nothing guesses uniformly over the vocabulary, loss ln V; one that has learned only what
// kind of token comes (a digit; a residue mod p) guesses uniformly among those, loss ln 10 or
// ln p and accuracy 1/10 or 1/p; for text, the unigram entropy is what ignoring context costs.
void landmarks(const std::string& task_name, const tasks::Task* task, std::int64_t vocab,
               std::vector<training::Landmark>& loss, std::vector<training::Landmark>& acc) {
  char label[96];
  std::snprintf(label, sizeof label, "ln V = ln %lld: uniform over the vocabulary",
                static_cast<long long>(vocab));
  loss.push_back({label, std::log(static_cast<double>(vocab))});
  if (task_name == "copy" || task_name == "reverse" || task_name == "sort") {
    loss.push_back({"ln 10: uniform over the digits", std::log(10.0)});
    acc.push_back({"1/10: a digit at random", 0.1});
  } else if (task_name == "modadd") {
    const std::int64_t p = vocab - 2;
    std::snprintf(label, sizeof label, "ln %lld: uniform over the residues",
                  static_cast<long long>(p));
    loss.push_back({label, std::log(static_cast<double>(p))});
    std::snprintf(label, sizeof label, "1/%lld: a residue at random", static_cast<long long>(p));
    acc.push_back({label, 1.0 / static_cast<double>(p)});
  } else if (unigram_entropy(task) > 0) {
    loss.push_back({"unigram entropy: no context", unigram_entropy(task)});
  }
}

// --out DIR: the curves of the steps this run trained (none without training) and, when there is
// a task to draw an example from, the attention weights on one example (the first 48 tokens of
// a text window), drawn without recording. Each file is written atomically.
void draw_pictures(const std::string& dir, nn::Transformer& model, const tasks::Task* task,
                   const std::string& task_name, const training::Curves& curves,
                   const training::ExpertLoadHistory& expert_loads, std::uint64_t seed) {
  std::vector<std::string> wrote;
  const std::string base = dir + "/";
  if (!curves.steps.empty()) {
    std::vector<training::Landmark> loss_marks, acc_marks;
    landmarks(task_name, task, model.config().vocab_size, loss_marks, acc_marks);
    plot::write_svg(
        training::curves_figure(curves, "train_transformer: " + task_name, loss_marks, acc_marks),
        base + "training_curves.svg");
    write_file_atomically(base + "training_curves.csv", training::curves_csv(curves));
    wrote = {"training_curves.svg", "training_curves.csv"};
  }
  if (!expert_loads.steps.empty()) {
    plot::write_svg(training::expert_load_figure(
                        expert_loads, "expert load during training: " + task_name +
                                          " (each expert's share of a layer's routed tokens)"),
                    base + "expert_load.svg");
    wrote.push_back("expert_load.svg");
  }
  if (task) {
    Generator gen(seed + 3000);  // an example of its own, never trained on
    const tasks::Batch b = task->sample(1, gen);
    const std::int64_t T = std::min<std::int64_t>(b.T, 48);
    const std::vector<std::int64_t> ids(b.x.begin(), b.x.begin() + T);
    std::vector<std::string> labels;
    for (std::int64_t id : ids) labels.push_back(label_of(task->token_text(id)));
    model.eval();
    plot::write_svg(
        training::attention_figure(model, ids, labels,
                                   "attention weights on one example of " + task_name +
                                       " (row: query, column: key; white 0, dark blue 1)"),
        base + "attention_weights.svg");
    wrote.push_back("attention_weights.svg");
    if (model.config().num_local_experts > 0) {
      plot::write_svg(training::routing_figure(
                          model, ids, labels,
                          "experts per token: " + task_name + " (cell: weight; white 0, blue 1)"),
                      base + "expert_routing.svg");
      wrote.push_back("expert_routing.svg");
    }
    model.train();
  }
  if (wrote.empty()) return;
  std::cout << "pictures: " << dir << "/{";
  for (std::size_t i = 0; i < wrote.size(); ++i) std::cout << (i ? "," : "") << wrote[i];
  std::cout << "}\n";
}

// The ids of --generate's TEXT: through the task's vocabulary, a BPE model's tokenizer, or a text
// model's saved tokens (one byte each). Throws cli::FlagError naming the byte it cannot read.
std::vector<std::int64_t> encode_prompt(const std::string& prompt, const tasks::Task* task,
                                        const io::SavedRun& run) {
  if (!task && run.bpe) return run.bpe->encode(prompt);  // every byte has a token
  std::string error;
  std::vector<std::int64_t> ids;
  if (task) {
    ids = task->encode(prompt, error);
  } else {
    for (char ch : prompt) {
      std::int64_t id = -1;
      for (std::size_t t = 0; t < run.tokens.size(); ++t)
        if (run.tokens[t] == std::string(1, ch)) id = static_cast<std::int64_t>(t);
      if (id < 0) {
        error = "prompt character " + tasks::quoted_byte(ch) + " never occurs in the model's text";
        break;
      }
      ids.push_back(id);
    }
  }
  if (!error.empty() || ids.empty())
    throw cli::FlagError("--generate: the prompt cannot be read by this model: " +
                         (error.empty() ? std::string("it is empty") : error));
  return ids;
}

std::string duration(double seconds) {
  char buf[32];
  if (seconds >= 60)
    std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(seconds) / 60,
                  static_cast<int>(seconds) % 60);
  else
    std::snprintf(buf, sizeof buf, "%.0fs", seconds);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  // The fast floor (docs/performance.md; --reference turns it off), except in the course's build
  // of this program, train_transformer_course: its engine runs the exercise files (core/course.hpp)
  // on the readable floor.
  if (tg::course::installed())
    std::printf("engine: the course's, running the exercises in %s\n",
                tg::course::engine().source.c_str());
  else
    tg::fast::enable();
  // First, so that Ctrl-C while a file opens stops the program cleanly (interrupt.hpp).
  interrupt::install();
  return cli::run_main("train_transformer", [&] {
    Options o = options(argc, argv);
    if (o.tokenize) {  // --load DIR --tokenize TEXT: the ids, and nothing else
      std::cout << join_ids(tokenize(o.run, o.load_dir, o.tokenize_text)) << std::endl;
      return 0;
    }
    set_num_threads(o.threads);
    const bool resuming = !o.resume_dir.empty();

    // Stage 2: the outputs first (cheap, and a failure should cost no training), then the model.
    // No output may destroy an input or another output (a resumed run saves back into its own
    // folder, by design); a --save folder is locked against a second run saving there.
    {
      const std::vector<std::string> saved = {"model.safetensors", "config.json", "vocab.json",
                                              "tokenizer.json", "checkpoint.safetensors"};
      const std::vector<std::string> pictures = {"training_curves.svg", "training_curves.csv",
                                                 "attention_weights.svg", "expert_load.svg",
                                                 "expert_routing.svg"};
      std::error_code error;
      const bool text_folder = std::filesystem::is_directory(o.text_file, error);
      outputs::check_distinct({{"--out", o.out_dir, true, pictures},
                               {"--save", resuming ? "" : o.save_dir, true, saved},
                               // without --save, an interrupted run saves to interrupted-run/
                               {"--save (interrupted-run/, where Ctrl-C saves without it)",
                                o.save_dir.empty() ? kInterruptedDir : "", true, saved},
                               {"--loss-log", o.loss_log},
                               {"--logits-out", o.logits_out}},
                              {{"--text", o.text_file, text_folder},
                               {"--load", resuming ? "" : o.load_dir, true, saved}},
                              o.save_dir);
    }
    outputs::prepare_dir(o.out_dir, "--out");
    std::optional<outputs::FolderLock> save_lock;
    if (!o.save_dir.empty()) {
      outputs::prepare_dir(o.save_dir, "--save");
      save_lock.emplace(o.save_dir, "--save");
    }
    if (!o.logits_out.empty()) outputs::prepare_file(o.logits_out, "--logits-out");
    if (!o.loss_log.empty()) outputs::prepare_file(o.loss_log, "--loss-log");

    std::unique_ptr<tasks::Task> task;
    std::unique_ptr<tasks::Task> eval_task;  // text: the held-out part, validated on
    std::string no_evaluation;               // why a loaded model cannot be evaluated, if it cannot
    io::SavedRun& run = o.run;
    if (!o.text_file.empty()) {
      std::vector<text::Document> documents;
      std::vector<std::string> skipped;
      // The path a saved model was trained on is read back only if it is a file or a folder:
      // a FIFO or /dev/stdin was read once, and would now be waited on for ever.
      if (!o.text_file_given) {
        namespace fs = std::filesystem;
        std::error_code error;
        const fs::file_status status = fs::status(o.text_file, error);
        if (fs::exists(status) && !fs::is_regular_file(status) && !fs::is_directory(status))
          fail("text", "the saved model was trained on '", o.text_file,
               "', which is not a regular file or a folder (a pipe or a device, read once): "
               "pass --text FILE to give it the text again");
      }
      try {
        documents = text::read_documents(o.text_file, &skipped, o.text_file_given);
      } catch (const Error& e) {
        if (o.text_file_given || o.steps > 0) throw;
        no_evaluation =
            std::string("no evaluation was done: the model's text could not be read (") + e.what() +
            "); pass --text FILE to evaluate it";
      }
      if (no_evaluation.empty()) task = text_tasks(o, documents, skipped, run, eval_task);
    } else {
      try {
        task = tasks::make_synthetic(run.task, run.modulus);
      } catch (const Error& e) {
        if (o.fresh) throw;
        fail("load", "'", o.load_dir, "/config.json': ", e.what());
      }
    }
    if (o.fresh) {  // the text's characters are the vocabulary, and the tokens are saved with it
      run.config.vocab_size = task->vocab();
      if (run.task.empty() || !o.text_file.empty()) run.task = task->name();
      for (std::int64_t id = 0; id < run.config.vocab_size; ++id)
        run.tokens.push_back(task->token_text(id));
    }
    if (task && task->vocab() != run.config.vocab_size)
      fail("train_transformer", "the task has ", task->vocab(), " tokens but the model ",
           run.config.vocab_size);
    if (o.steps > 0 && !task)
      fail("train_transformer", "this model was trained on text: pass --text FILE to train it");
    // --generate's prompt as token ids, now, before any training or evaluation: a prompt the
    // model cannot read is the flag's fault (exit 2), found in a second, not after the run.
    const std::vector<std::int64_t> prompt_ids =
        o.prompt.empty() ? std::vector<std::int64_t>{} : encode_prompt(o.prompt, task.get(), run);
    // --logits-out scores the whole prompt in one forward, which holds at most max_seq tokens:
    // checked here too, not after the training it would have cost (issue 26).
    if (!o.logits_out.empty() &&
        static_cast<std::int64_t>(prompt_ids.size()) > run.config.max_position_embeddings)
      throw cli::FlagError("--logits-out: the prompt is " + std::to_string(prompt_ids.size()) +
                           " tokens, more than the model's max_seq of " +
                           std::to_string(run.config.max_position_embeddings) +
                           " that one forward can score: shorten --generate");

    Generator init_gen(o.seed);
    nn::Transformer model(run.config, init_gen);
    // A resumed run's weights come from the checkpoint, a loaded model's from model.safetensors.
    if (!o.fresh && !resuming) io::load_weights(o.load_dir, model);
    const nn::ModelConfig& config = model.config();
    const bool is_text = !o.text_file.empty();

    std::cout << "task " << run.task << ", " << ffn_label(config) << " FFN, d_model "
              << config.hidden_size << ", " << config.num_hidden_layers << " layers, "
              << config.num_attention_heads << " heads, seq " << config.max_position_embeddings
              << ", " << model.num_parameters() << " parameters"
              << std::endl;  // flushed: a log shows how far the run got
    if (is_text && task)
      std::cout << "unigram entropy of the training text: " << unigram_entropy(task.get())
                << " nats per token\n";

    optim::AdamOptions ao;
    ao.lr = o.lr;
    optim::AdamW opt(optim::decay_groups(model.named_parameters(), o.weight_decay), ao);
    // Data and sampling draw from their own streams, not the one that initialised the weights.
    Generator train_gen(o.seed + 7919), sample_gen(o.seed + 2000);
    std::int64_t done = 0;  // steps completed, counted from the start of the run
    if (resuming) {
      io::restore(o.checkpoint, model, opt);
      train_gen.set_state(o.checkpoint.state.train_rng);
      sample_gen.set_state(o.checkpoint.state.sample_rng);
      done = o.checkpoint.state.step;
      std::cout << "resumed " << o.resume_dir << " after step " << done << "\n";
    }
    const std::int64_t first_step = done;
    const bool will_train = done < o.steps;
    if (will_train)
      std::printf("memory: about %.0f MB at the peak of a training step (estimate)\n",
                  training::estimate_peak_bytes(config, o.batch, get_num_threads()) / 1e6);
    std::fflush(stdout);
    // Everything needed to continue: the model's files (for --load) and the checkpoint.
    std::int64_t saved_step = resuming ? done : -1;
    auto save_all = [&](const std::string& dir) {
      io::save_run(dir, model, run);
      io::save_checkpoint(dir, model, opt,
                          {done, train_gen.state(), sample_gen.state(), o.run_flags, {}});
      saved_step = done;
    };
    std::ofstream loss_log;
    if (!o.loss_log.empty()) loss_log = open_loss_log(o.loss_log, resuming, done);
    // Stage 3: training. Ctrl-C and SIGTERM now mean "save, then stop": from before the first
    // save, so that a signal during any save lets it complete, and the run then stops.
    interrupt::set_phase(interrupt::Phase::Training);
    auto save_and_exit = [&](bool tty) {
      const std::string dir = o.save_dir.empty() ? kInterruptedDir : o.save_dir;
      if (tty) std::cout << "\n";
      std::optional<outputs::FolderLock> fallback_lock;  // the --save folder is locked already
      if (dir != o.save_dir) {
        outputs::prepare_dir(dir, "--save");
        fallback_lock.emplace(dir, "--save");
      }
      if (saved_step != done || dir != o.save_dir) save_all(dir);
      std::cout << "interrupted after step " << done << ": saved to " << dir
                << "; continue with --resume " << dir << std::endl;
      return interrupt::exit_status();  // 128 + the signal: the run did not finish
    };
    const bool tty = isatty(STDOUT_FILENO) != 0;
    // The real save, once, before step 1: what the test-write of stage 2 cannot know (does the
    // whole checkpoint fit on the disk?) is known now, before any training is at stake. Adam's
    // state is made first (zeros, as its first step would), so that this checkpoint is as large
    // as every later one: a disk that holds it holds them (issue 26: the step-0 checkpoint was
    // 5x smaller, and the run trained 60 steps before its first real save failed).
    if (will_train && !o.save_dir.empty()) {
      if (!resuming) opt.init_state();
      save_all(o.save_dir);
      if (interrupt::requested()) return save_and_exit(tty);  // it came during that save
      // Every later save writes each file beside the old one before renaming it over: room for
      // a second copy of the largest is needed too.
      outputs::check_room_to_replace(o.save_dir, "--save");
    }
    const tasks::Task* scored = eval_task ? eval_task.get() : task.get();  // what evaluations use
    // --train-batches N: N batches drawn once, from a generator of their own (so a resumed run
    // draws the same ones), and trained on in turn.
    std::vector<tasks::Batch> fixed_batches;
    if (o.train_batches > 0 && will_train) {
      Generator fixed_gen(o.seed + 5000);
      for (std::int64_t n = 0; n < o.train_batches; ++n)
        fixed_batches.push_back(task->sample(o.batch, fixed_gen));
    }
    training::Score last_eval, last_train;
    bool evaluated = false;
    std::int64_t eval_step = 0;                // the step after which last_eval was measured
    training::Curves curves;                   // what this run measured, for training_curves.svg
    curves.validation = is_text;               // a text's evaluations are on its held-out part
    training::ExpertLoadHistory expert_loads;  // with experts: for expert_load.svg
    double train_seconds = 0;
    for (std::int64_t step = first_step; step < o.steps; ++step) {
      const auto start = std::chrono::steady_clock::now();
      opt.lr = o.cosine ? optim::warmup_cosine(step, o.warmup, o.steps, o.lr, o.lr / 10) : o.lr;
      const tasks::Batch b = fixed_batches.empty()
                                 ? task->sample(o.batch, train_gen)
                                 : fixed_batches[static_cast<std::size_t>(step % o.train_batches)];
      Tensor loss;
      last_train = training::score(model, b, &loss);
      loss.backward();
      if (step + 1 == o.simulate_bad_gradient)  // a test's stand-in for an overflowing gradient
        model.parameters().back().grad().data<float>()[0] = NAN;
      try {
        training::apply_gradients(model, opt, o.clip, step + 1);
      } catch (const training::NonFiniteGradient& e) {
        if (tty) std::cout << "\n";
        std::cerr << "train_transformer: " << e.what() << ". Training stopped; "
                  << (saved_step >= 0 ? "the last save, in '" +
                                            (o.save_dir.empty() ? o.resume_dir : o.save_dir) +
                                            "', is from step " + std::to_string(saved_step)
                                      : std::string("nothing was saved"))
                  << " (try a smaller --lr, or --clip)\n";
        return 1;
      }
      train_seconds +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      done = step + 1;
      const std::string router_text = router_summary(model);  // this step's, before evaluating
      if (model.config().num_local_experts > 0)
        expert_loads.record(model, static_cast<double>(done));
      curves.steps.push_back(static_cast<double>(done));
      curves.loss.push_back(last_train.loss), curves.acc.push_back(last_train.acc);
      if (loss_log.is_open()) {
        char entry[64];
        std::snprintf(entry, sizeof entry, "%lld %.9g\n", static_cast<long long>(done),
                      last_train.loss);
        if (!(loss_log << entry << std::flush))  // a full disk: stop now, not at the end
          fail("--loss-log", "writing '", o.loss_log, "' failed at step ", done);
      }
      if (o.save_every > 0 && done % o.save_every == 0) save_all(o.save_dir);
      if (done == o.simulate_interrupt) std::raise(SIGINT);

      const bool evaluate = done % o.eval_every == 0 || done == o.steps;
      if (evaluate && !interrupt::requested()) {
        Generator eval_gen(o.seed + 1000 + static_cast<std::uint64_t>(done));  // unseen examples
        const training::Evaluation e = training::evaluate(model, *scored, o.eval_batch, o.batch,
                                                          eval_gen, interrupt::requested);
        if (e.complete) {
          last_eval = e.score, evaluated = true, eval_step = done;
          curves.eval_steps.push_back(static_cast<double>(done));
          curves.eval_loss.push_back(e.score.loss), curves.eval_acc.push_back(e.score.acc);
          curves.eval_exact.push_back(e.score.exact);
        }
      }
      const auto this_run = static_cast<double>(done - first_step);
      const double tokens_per_s =
          this_run * static_cast<double>(o.batch * task->seq_len()) / train_seconds;
      const double eta = train_seconds / this_run * static_cast<double>(o.steps - done);
      // Compact enough for an 80-column terminal with the 22-character bar in front. Before the
      // first evaluation there is no evaluation accuracy: "--", not a measured 0.0%.
      char eval_text[16] = "    --";
      if (evaluated) std::snprintf(eval_text, sizeof eval_text, "%5.1f%%", 100 * last_eval.acc);
      char line[1024];  // room for 64 experts' shares
      std::snprintf(line, sizeof line,
                    "step %lld/%lld loss %.4f acc %5.1f%% eval %s %6.0f tok/s ETA %s",
                    static_cast<long long>(done), static_cast<long long>(o.steps), last_train.loss,
                    100 * last_train.acc, eval_text, tokens_per_s, duration(eta).c_str());
      line_end(line, sizeof line, router_text);
      if (is_text && evaluated) {  // the held-out part's loss and perplexity
        char val[64];
        std::snprintf(val, sizeof val, " val_loss %.3f ppl %.1f", last_eval.loss,
                      std::exp(last_eval.loss));
        line_end(line, sizeof line, val);
      }
      if (tty) {
        const int width = 20,
                  filled = static_cast<int>(width * done / std::max<std::int64_t>(o.steps, 1));
        std::cout << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
                  << std::string(static_cast<std::size_t>(width - filled), '.') << "] " << line
                  << "\x1b[K" << std::flush;
      } else if (evaluate && !interrupt::requested()) {  // flushed, so a log can be followed
        char exact[32];
        std::snprintf(exact, sizeof exact, " exact %.1f%%", 100 * last_eval.exact);
        std::cout << line << exact << std::endl;
      }
      if (interrupt::requested()) return save_and_exit(tty);
      if (evaluate && o.stop_at > 0 && 100 * last_eval.acc >= o.stop_at) {
        if (tty) std::cout << "\n";
        std::cout << "reached " << o.stop_at << "% evaluation accuracy at step " << done << "\n";
        break;
      }
    }
    const std::int64_t trained = done - first_step;
    if (tty && trained > 0) std::cout << "\n";
    if (!o.save_dir.empty()) {
      save_all(o.save_dir);
      std::cout << "saved to " << o.save_dir
                << "/{model.safetensors,config.json,vocab.json,checkpoint.safetensors"
                << (run.bpe ? ",tokenizer.json}\n" : "}\n");
    }
    if (interrupt::requested()) return save_and_exit(tty);  // it came during the last save
    interrupt::set_phase(interrupt::Phase::Other);  // nothing more to save: a signal stops us

    if (trained == 0 && task) {  // a loaded model (or a finished run) is evaluated as it is
      Generator eval_gen(o.seed + 1000);
      last_eval = training::evaluate(model, *scored, o.eval_batch, o.batch, eval_gen).score;
      evaluated = true, eval_step = done;
      std::cout << "evaluation: loss " << last_eval.loss << ", accuracy " << 100 * last_eval.acc
                << "%, exact " << 100 * last_eval.exact << "%"
                << (o.text_file_given ? "" : " (on its text, '" + o.text_file + "')")
                << (is_text ? ", on the held-out part" : "") << std::endl;
    } else if (!task) {
      std::cout << no_evaluation << "\n";
    }

    draw_pictures(o.out_dir, model, task.get(), run.task, curves, expert_loads, o.seed);

    if (!o.prompt.empty()) {
      NoGradGuard no_grad;
      model.eval();
      const std::vector<std::int64_t>& ids = prompt_ids;
      if (!o.logits_out.empty()) {
        const auto T = static_cast<std::int64_t>(ids.size());
        save_safetensors(
            o.logits_out,
            {{"logits", model.forward(ids, 1, T).reshape({T, config.vocab_size}).detach()}});
      }
      // The prompt, then each token as soon as it is chosen: the reader watches it write.
      std::cout << "generate: " << o.prompt << std::flush;
      generation::generate(model, ids, o.max_new, o.sampling, o.kv_cache, sample_gen,
                           [&](std::int64_t next) {
                             std::cout << run.tokens[static_cast<std::size_t>(next)] << std::flush;
                           });
      std::cout << "\n";
    }

    // Each number says where it comes from: train_loss is the last training batch's (of this
    // run), eval_* the last evaluation's, on fresh examples after step eval_step; "none" for what
    // was not measured (no training; a text model whose text is gone).
    auto measured = [](bool known, double value) {
      char text[32] = "none";
      if (known) std::snprintf(text, sizeof text, "%.4f", value);
      return std::string(text);
    };
    const std::string eval_step_text = evaluated ? std::to_string(eval_step) : "none";
    if (!expert_loads.steps.empty()) std::cout << "experts: " << expert_loads.last() << "\n";
    // val_loss and val_ppl: the last evaluation's again, when it was made on held-out text (a
    // text run's validation part; a task has none: its examples are always fresh).
    const bool validated = evaluated && is_text && task;
    std::printf(
        "summary: task=%s ffn=%s params=%lld steps=%lld train_loss=%s eval_step=%s eval_loss=%s "
        "eval_acc=%s eval_exact=%s ms_per_step=%.2f tokens_per_s=%.0f peak_rss_mb=%.0f "
        "val_loss=%s val_ppl=%s\n",
        run.task.c_str(), ffn_label(config).c_str(), static_cast<long long>(model.num_parameters()),
        static_cast<long long>(done), measured(trained > 0, last_train.loss).c_str(),
        eval_step_text.c_str(), measured(evaluated, last_eval.loss).c_str(),
        measured(evaluated, last_eval.acc).c_str(), measured(evaluated, last_eval.exact).c_str(),
        trained ? 1000 * train_seconds / static_cast<double>(trained) : 0.0,
        trained ? static_cast<double>(trained * o.batch * config.max_position_embeddings) /
                      train_seconds
                : 0.0,
        peak_rss_mb(), measured(validated, last_eval.loss).c_str(),
        measured(validated, std::exp(last_eval.loss)).c_str());
    return 0;
  });
}
