// examples/train/options.cpp — train_transformer's first stage: every flag parsed and checked
// before any work (the table is flags.cpp's).
//
// Layer: examples. In order: the command line, then --config FILE's flags (the command line
// wins), then a resumed run's saved flags (anything given wins); every value range-checked
// whether it will be used or not; flags that would be ignored refused (a run must not silently
// differ from what was asked); the model's config (from a saved folder, or from the flags); and
// the memory the run needs against the machine's.
#include <unistd.h>

#include <set>
#include <sstream>

#include "core/fast/parallel.hpp"
#include "core/tapegrad.hpp"
#include "train/stages.hpp"

namespace tg::trainer {

namespace {

// Flags of this invocation only, not of the run: a save never records them, and a resumed run
// does not repeat them.
const std::set<std::string> kOneOff = {"resume",
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
                                       "tokenize",
                                       "config"};

// Resuming: the saved run's flags apply unless given again (a bad saved value is reported with
// the checkpoint's path), and saves go back to its folder.
void apply_checkpoint(cli::Flags& flags, Options& o) {
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
    const std::int64_t asked = flags.integer("steps");
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

// The model is a saved one (--load, --resume): its config.json decides, and the text it names.
void saved_model(cli::Flags& flags, Options& o) {
  o.run = io::load_config(o.load_dir);
  const bool text_model = o.run.task.rfind("text:", 0) == 0;
  if (!o.text_file.empty() && !text_model)
    flags.error("--text: the model in '" + o.load_dir + "' was trained on the task '" + o.run.task +
                "', not on text");
  // A resumed run continues on its own text: config.json's task names it, and a --text typed
  // now or edited into the checkpoint that differs would train on another text under its name.
  if (o.resuming() && text_model && o.text_file != o.run.task.substr(5))
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
}

// A new model, from the flags: its config, and the task or tokenizer that sets its vocabulary.
void new_model(cli::Flags& flags, Options& o, const std::string& task_name, bool bpe) {
  o.run.config = model_config(flags);
  if (!heads_split_evenly(o.run.config))
    flags.error("--heads must split --d-model into heads of even size");
  o.run.modulus = o.modulus;
  if (o.text_file.empty()) {
    const auto task = tasks::make_synthetic(task_name, o.modulus);
    set_vocab(o.run.config, task->vocab()), set_context(o.run.config, task->seq_len());
    o.run.task = task->name();
  } else {
    // Bytes: at most 256, the text fixes it once read (the memory check needs a bound).
    set_vocab(o.run.config, bpe ? o.vocab_size : 256), set_context(o.run.config, o.seq);
    o.run.tokenizer = bpe ? "bpe" : "byte";
  }
}

// Memory: refuse a run that cannot fit in this machine (training.md, "Memory").
void check_memory(const cli::Flags& flags, const Options& o) {
  const double need =
      training::estimate_peak_bytes(recomputing_ffn(o.run.config), o.batch, o.threads);
  const double have =
      static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
  if (have > 0 && need > have) {
    std::ostringstream m;
    m.precision(2);
    m << std::fixed << "this model, --batch " << o.batch << " and sequences of "
      << context_of(o.run.config) << " need about " << need / 1e9 << " GB at the peak of a step, "
      << "more than this machine's " << have / 1e9 << " GB; "
      << (o.fresh ? "make --batch, --seq, --d-model or --layers smaller"
                  : "make --batch smaller (the saved model's sizes cannot change)");
    flags.error(m.str());
  }
}

}  // namespace

Options options(int argc, char** argv, bool exit_on_error) {
  cli::Flags flags("train_transformer", usage_head(), flag_table());
  flags.exit_on_error = exit_on_error;
  flags.allow_empty("tokenize");  // the empty text has ids too: none
  flags.parse(argc, argv);
  if (flags.given("config")) flags.read_config(flags.text("config"));
  if (flags.on("reference")) tg::fast::disable();  // the code chapters 1-9 quote, nothing faster
  Options o;
  o.config_file = flags.text("config");

  o.resume_dir = flags.text("resume");
  if (!o.resume_dir.empty() && flags.given("load"))
    flags.error(
        "--resume and --load exclude each other (--resume continues a run, --load "
        "starts a new one from a saved model)");
  o.run_flags = flags.given_values();
  if (o.resuming()) apply_checkpoint(flags, o);
  for (const std::string& name : kOneOff) o.run_flags.erase(name);

  // Every value, range-checked, whether it will be used or not.
  const std::string task_name = flags.choice("task");
  o.modulus = flags.integer("modulus");
  const bool moe = flags.choice("ffn") == "moe";
  const std::int64_t experts = flags.integer("experts");
  if (flags.integer("experts-per-token") > experts)
    flags.bad("experts-per-token", "must be at most --experts (" + std::to_string(experts) + ")");
  // The other model flags are range-checked here too; model_config() reads them for a new model.
  for (const char* name : {"aux-loss-coef", "z-loss-coef"}) (void)flags.real(name);
  // (With --load or --resume the saved model decides, and these flags are refused below as
  // changes to it.)
  const bool saved = o.resuming() || flags.given("load");
  for (const char* name : {"experts", "experts-per-token", "aux-loss-coef", "z-loss-coef"})
    flags.needs(name, moe || saved || !flags.given(name), "applies to --ffn moe only");
  for (const char* name : {"d-model", "layers", "heads"}) (void)flags.integer(name);
  for (const char* name : {"positions", "norm"}) (void)flags.choice(name);
  o.seq = flags.integer("seq");
  o.batch = flags.integer("batch");
  o.seed = static_cast<std::uint64_t>(flags.integer("seed"));
  o.eval_every = flags.integer("eval-every");
  o.train_batches = flags.integer("train-batches");
  o.val_fraction = flags.real("val-fraction");
  if (o.val_fraction == 0)
    flags.bad("val-fraction", "must be more than 0 (a model is validated on held-out text)");
  const bool bpe = flags.choice("tokenizer") == "bpe";
  o.vocab_size = flags.integer("vocab-size");
  flags.needs("vocab-size", bpe, "applies to --tokenizer bpe only");
  o.tokenize = flags.given("tokenize");
  o.tokenize_text = flags.text("tokenize");
  if (o.tokenize)  // it prints the text's ids and nothing else: any other flag would do nothing
    for (const auto& [name, value] : flags.given_values())
      if (name != "tokenize" && name != "load" && name != "config")
        flags.error("--" + name +
                    " does nothing with --tokenize, which only prints the ids of a "
                    "text (with --load DIR)" +
                    flags.note(name));
  o.eval_batch = flags.integer("eval-batch");
  o.max_new = flags.integer("max-new");
  o.threads = flags.text("threads").empty() ? get_num_threads()
                                            : static_cast<int>(flags.integer("threads"));
  o.lr = flags.real("lr");
  o.weight_decay = flags.real("weight-decay");
  o.clip = flags.real("clip");
  o.temperature = flags.real("temperature");
  o.sampling.temperature = o.temperature;
  if (flags.given("top-k")) o.sampling.top_k = flags.integer("top-k");
  o.sampling.top_p = flags.real("top-p");
  o.kv_cache = flags.choice("kv-cache") == "on";
  o.warmup = flags.integer("warmup");
  o.cosine = flags.choice("schedule") == "cosine";
  o.save_every = flags.integer("save-every");
  o.simulate_interrupt = flags.integer("simulate-interrupt");
  o.simulate_bad_gradient = flags.integer("simulate-bad-gradient");
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
  o.steps = !load.empty() && !flags.given("steps") ? 0 : flags.integer("steps");
  const double stop_at = flags.text("stop-at").empty() ? -1 : flags.real("stop-at");

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
  for (const char* name : {"temperature", "max-new", "top-k", "top-p", "kv-cache"})
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
                    "/config.json' sets it" + flags.note(name));
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
  if (!o.fresh)
    saved_model(flags, o);
  else
    new_model(flags, o, task_name, bpe);
  o.stop_at = stop_at >= 0 ? stop_at : (o.is_text() ? 0.0 : 99.0);
  check_memory(flags, o);
  return o;
}

}  // namespace tg::trainer
