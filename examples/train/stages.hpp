// examples/train/stages.hpp — train_transformer's stages, in the order main() runs them:
//
//   options -> data -> model -> train -> save -> generate
//
//   options()          every flag (the table in flags.cpp; --config FILE; a resumed run's
//                      saved flags; a saved model's config.json), checked     options.cpp
//   prepare_outputs()  every output created and test-written                  save.cpp
//   load_data()        the task or the text (split, tokenized), the prompt    data.cpp
//   Run                the model (new, loaded or resumed), the optimizer      model.cpp
//   train()            the loop: steps, evaluations, progress, Ctrl-C         loop.cpp
//   Saver              the saves: before step 1, every N steps, at the end    save.cpp
//   draw_pictures(), print_summary()   what the run shows afterwards          report.cpp
//   (generate() is train_transformer.cpp's own: a few lines.)
//
// Layer: examples. What each stage hands the next is a plain struct declared here. Only
// model.cpp reads or writes nn::ModelConfig's fields (model_config, and the small questions
// below): the rest ask it.
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checkpoint_io.hpp"
#include "cli.hpp"
#include "generate.hpp"
#include "layers/optim.hpp"
#include "layers/transformer.hpp"
#include "moe_plots.hpp"
#include "outputs.hpp"
#include "run_checkpoint.hpp"
#include "tasks.hpp"
#include "training.hpp"
#include "training_plots.hpp"

namespace tg::trainer {

// Where Ctrl-C saves a run that has no --save folder.
inline const char* const kInterruptedDir = "interrupted-run";

// The flag table (flags.cpp): every flag once, with its default, range and help; the usage is
// made from it.
std::vector<cli::Spec> flag_table();
const std::string& usage_head();

// Every choice the command line (and --config's file, a resumed run's checkpoint, and a loaded
// model's config.json) makes, checked.
struct Options {
  std::string resume_dir, load_dir;  // load_dir: where the model comes from (--load or --resume)
  std::string config_file;            // --config: the JSON file of flags (an input)
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
  bool resuming() const { return !resume_dir.empty(); }
  bool is_text() const { return !text_file.empty(); }
};

// Stage 1 (options.cpp): all flags, before any work. A bad value ends the program with the usage
// (exit 2; with exit_on_error false, the tests' way, throws std::invalid_argument instead); a
// file that cannot be read (--config, --resume, --load) is an error naming it (exit 1).
Options options(int argc, char** argv, bool exit_on_error = true);

// A new model's config, from its flags (checked by options()): the one place the model flags
// become nn::ModelConfig fields (model.cpp).
nn::ModelConfig model_config(const cli::Flags& flags);
// The model's config as this program runs it: the FFN recomputes its hidden layer in backward
// instead of keeping it (layers/ffn.hpp), one (tokens x h) tensor less per block, the same
// numbers. (Not saved: config.json holds what the model is, not how a run keeps its tape.)
nn::ModelConfig recomputing_ffn(nn::ModelConfig c);
bool heads_split_evenly(const nn::ModelConfig& c);  // d_model / heads whole and even
// The sizes the data decides: the vocabulary, and how many tokens a sequence holds.
void set_vocab(nn::ModelConfig& c, std::int64_t vocab);
std::int64_t vocab_of(const nn::ModelConfig& c);
void set_context(nn::ModelConfig& c, std::int64_t tokens);
std::int64_t context_of(const nn::ModelConfig& c);
bool has_experts(const nn::ModelConfig& c);
// "moe" for a mixture of experts, else the FFN kind's name: the flag's spelling.
std::string ffn_label(const nn::ModelConfig& c);
// The line saying what the model is: "task reverse, swiglu FFN, d_model 64, ...".
std::string model_line(const io::SavedRun& saved, const nn::Transformer& model);
// " aux 2.013 load 13/12/...%" for a model with experts (the last forward's), "" without.
std::string router_summary(const nn::Transformer& model);

// Stage 1b (save.cpp): every output created and test-written, none the same file as an input or
// another output; the --save folder locked.
struct Outputs {
  std::optional<outputs::FolderLock> save_lock;
};
void prepare_outputs(const Options& o, Outputs& out);

// Stage 2 (data.cpp): what the model learns from and is scored on.
struct Data {
  std::unique_ptr<tasks::Task> task;       // null: a loaded text model whose text is gone
  std::unique_ptr<tasks::Task> eval_task;  // text: the held-out part, validated on
  std::string no_evaluation;               // why a loaded model cannot be evaluated, if not
  std::vector<std::int64_t> prompt_ids;    // --generate's TEXT, read by the model
  // What evaluations use: the held-out part of a text, or the task's fresh examples.
  const tasks::Task* scored() const { return eval_task ? eval_task.get() : task.get(); }
};
Data load_data(Options& o);
// The entropy of a text task's token frequencies (the loss of a model that ignores context), in
// nats per token; 0 for the other tasks.
double unigram_entropy(const tasks::Task* task);
// --tokenize TEXT: its ids under a saved text model's tokenizer, space-separated.
std::string tokenize_line(const Options& o);

// What training measured, for the progress line, the pictures and the summary.
struct Measured {
  training::Score last_eval, last_train;
  bool evaluated = false;
  std::int64_t eval_step = 0;                // the step after which last_eval was measured
  training::Curves curves;                   // for training_curves.svg
  training::ExpertLoadHistory expert_loads;  // with experts: for expert_load.svg
  double train_seconds = 0;
};

// Stage 3 (model.cpp): the model, its optimizer and the run's counters. A resumed run's weights,
// optimizer state and generators come from the checkpoint, a loaded model's weights from
// model.safetensors.
struct Run {
  Run(Options& o, const Data& data);
  io::SavedRun& saved;  // o.run: config, task, tokens
  Generator init_gen;
  nn::Transformer model;
  optim::AdamW opt;
  // Data and sampling draw from their own streams, not the one that initialised the weights.
  Generator train_gen, sample_gen;
  std::int64_t done = 0;         // steps completed, counted from the start of the run
  std::int64_t first_step = 0;   // where this invocation began
  std::int64_t saved_step = -1;  // the step of the last save, -1 before any
  Measured measured;
  std::int64_t trained() const { return done - first_step; }
};

// Stage 5 (save.cpp): the run's saves: model files and checkpoint, at the start, every
// --save-every steps, at the end, and on Ctrl-C (to --save DIR or interrupted-run/).
struct Saver {
  const Options& o;
  Run& run;
  void save(const std::string& dir);
  // Saves (once more if needed) and says how to continue; returns 128 + the signal.
  int save_and_exit(bool tty);
  // Before step 1: the whole checkpoint written once, so a disk without room stops the run now.
  std::optional<int> first_save(bool tty);
  // After training: the last save; from then on a signal stops the program at once.
  std::optional<int> final_save(bool tty);
};
// --loss-log FILE, opened for this run (a resumed run keeps the lines up to its step).
std::ofstream open_loss_log(const std::string& path, bool resuming, std::int64_t resumed_step);

// Stage 4 (loop.cpp): the training loop. Returns an exit code when the run stops before its
// end (Ctrl-C, SIGTERM: 128 + the signal; a gradient that is not finite: 1).
std::optional<int> train(const Options& o, const Data& data, Run& run, Saver& saver, bool tty);
// A model that trained no step here (loaded, or a finished run) is evaluated as it is.
void evaluate_untrained(const Options& o, const Data& data, Run& run);
// The progress bar's "12s" / "3m05s".
std::string duration(double seconds);

// After training (report.cpp): --out DIR's pictures, and the last line's numbers.
void draw_pictures(const Options& o, const Data& data, Run& run);
void print_summary(const Options& o, const Data& data, const Run& run);

}  // namespace tg::trainer
