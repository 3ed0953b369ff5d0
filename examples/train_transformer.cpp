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
//   build/bin/train_transformer --config run.json --steps 50   (the file's flags; typed ones win)
//
// The program is its stages, in this order (main() below; train/stages.hpp lists where each
// lives):
//   options   every flag parsed and range-checked (the table in train/flags.cpp, --config FILE,
//             a resumed run's saved flags, a saved model's config.json), before any work; a bad
//             one ends with the usage, exit code 2. Then every output (--out, --save,
//             --loss-log, --logits-out) created and test-written.
//   data      the task, or the text read, split and tokenized; --generate's prompt read.
//   model     the model (new, loaded or resumed), the optimizer and the generators.
//   train     the loop; --save DIR is written once before step 1.
//   save      the last save, then the evaluation of a model that trained no step here, and the
//             pictures.
//   generate  --generate's continuation, then the summary.
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
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "core/fast/parallel.hpp"
#include "core/formats/safetensors.hpp"
#include "core/tapegrad.hpp"
#include "interrupt.hpp"
#include "train/stages.hpp"

using namespace tg;

namespace {

// --generate TEXT: the prompt, then each token as soon as it is chosen (the reader watches it
// write); with --logits-out, the prompt's logits saved first.
void generate(const trainer::Options& o, const trainer::Data& data, trainer::Run& run) {
  if (o.prompt.empty()) return;
  NoGradGuard no_grad;
  run.model.eval();
  const std::vector<std::int64_t>& ids = data.prompt_ids;
  if (!o.logits_out.empty()) {
    const auto T = static_cast<std::int64_t>(ids.size());
    const std::int64_t vocab = trainer::vocab_of(run.model.config());
    save_safetensors(o.logits_out,
                     {{"logits", run.model.forward(ids, 1, T).reshape({T, vocab}).detach()}});
  }
  std::cout << "generate: " << o.prompt << std::flush;
  generation::generate(
      run.model, ids, o.max_new, o.sampling, o.kv_cache, run.sample_gen, [&](std::int64_t next) {
        std::cout << run.saved.tokens[static_cast<std::size_t>(next)] << std::flush;
      });
  std::cout << "\n";
}

}  // namespace

#ifdef TAPEGRAD_COURSE_COPY_BUILD
constexpr bool kCourseCopy = true;  // train_transformer_mine (tests/exercises/CMakeLists.txt)
#else
constexpr bool kCourseCopy = false;
#endif

int main(int argc, char** argv) {
  // The fast floor (docs/performance.md; --reference turns it off), except in the course's build
  // of this program, train_transformer_mine, which links the learner's copy of the engine
  // (docs/course.md): it runs on the readable floor, where the learner's pieces are.
  if (kCourseCopy)
    std::printf("engine: your copy, on the readable floor\n");
  else
    tg::fast::enable();
  // First, so that Ctrl-C while a file opens stops the program cleanly (interrupt.hpp).
  interrupt::install();
  return cli::run_main("train_transformer", [&] {
    // options: every flag, checked; then every output, test-written.
    trainer::Options o = trainer::options(argc, argv);
    if (o.tokenize) {  // --load DIR --tokenize TEXT: the ids, and nothing else
      std::cout << trainer::tokenize_line(o) << std::endl;
      return 0;
    }
    set_num_threads(o.threads);
    trainer::Outputs outputs;
    trainer::prepare_outputs(o, outputs);

    // data: the task or the text, and the prompt's ids.
    const trainer::Data data = trainer::load_data(o);

    // model: new, loaded or resumed, with its optimizer.
    trainer::Run run(o, data);

    // train: until --steps, --stop-at, a signal (saved, then 128 + the signal) or a gradient
    // that is not finite (exit 1).
    trainer::Saver saver{o, run};
    const bool tty = isatty(STDOUT_FILENO) != 0;
    if (const auto stopped = trainer::train(o, data, run, saver, tty)) return *stopped;

    // save: the last save; a model that trained no step here is evaluated as it is; pictures.
    if (const auto stopped = saver.final_save(tty)) return *stopped;
    trainer::evaluate_untrained(o, data, run);
    trainer::draw_pictures(o, data, run);

    // generate, then the summary line.
    generate(o, data, run);
    trainer::print_summary(o, data, run);
    return 0;
  });
}
