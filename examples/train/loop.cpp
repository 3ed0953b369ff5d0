// examples/train/loop.cpp — train_transformer's training stage: the loop and its progress line.
//
// Layer: examples. Each step: a fresh batch (or one of --train-batches' fixed ones), forward,
// cross-entropy over the scored positions, backward, a check that every gradient is finite,
// gradient clipping, an AdamW step. Every --eval-every steps the model is scored on freshly drawn
// examples it never trained on (token accuracy and exact match of whole answers), in chunks of
// --batch examples. A progress bar shows step, loss, accuracy, tokens/s and ETA (plain lines
// when stdout is not a terminal; "eval --" until the first evaluation). Ctrl-C and SIGTERM
// mean "save, then stop" from the first save on (interrupt.hpp).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "interrupt.hpp"
#include "train/stages.hpp"

namespace tg::trainer {

std::string duration(double seconds) {
  char buf[32];
  if (seconds >= 60)
    std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(seconds) / 60,
                  static_cast<int>(seconds) % 60);
  else
    std::snprintf(buf, sizeof buf, "%.0fs", seconds);
  return buf;
}

namespace {

// Appends `end` to the C string `line` of `size` bytes, cutting it if it does not fit.
void line_end(char* line, std::size_t size, const std::string& end) {
  std::strncat(line, end.c_str(), size - std::strlen(line) - 1);
}

// The progress of step `done`: a bar redrawn in place on a terminal, else a line per evaluation
// (flushed, so a log can be followed). Compact enough for an 80-column terminal with the
// 22-character bar in front. Before the first evaluation there is no evaluation accuracy: "--",
// not a measured 0.0%.
void show_progress(const Options& o, const Run& run, std::int64_t seq_len,
                   const std::string& router_text, bool evaluate, bool tty) {
  const Measured& m = run.measured;
  const std::int64_t done = run.done;
  const auto this_run = static_cast<double>(done - run.first_step);
  const double tokens_per_s = this_run * static_cast<double>(o.batch * seq_len) / m.train_seconds;
  const double eta = m.train_seconds / this_run * static_cast<double>(o.steps - done);
  char eval_text[16] = "    --";
  if (m.evaluated) std::snprintf(eval_text, sizeof eval_text, "%5.1f%%", 100 * m.last_eval.acc);
  char line[1024];  // room for 64 experts' shares
  std::snprintf(line, sizeof line,
                "step %lld/%lld loss %.4f acc %5.1f%% eval %s %6.0f tok/s ETA %s",
                static_cast<long long>(done), static_cast<long long>(o.steps), m.last_train.loss,
                100 * m.last_train.acc, eval_text, tokens_per_s, duration(eta).c_str());
  line_end(line, sizeof line, router_text);
  if (o.is_text() && m.evaluated) {  // the held-out part's loss and perplexity
    char val[64];
    std::snprintf(val, sizeof val, " val_loss %.3f ppl %.1f", m.last_eval.loss,
                  std::exp(m.last_eval.loss));
    line_end(line, sizeof line, val);
  }
  if (tty) {
    const int width = 20,
              filled = static_cast<int>(width * done / std::max<std::int64_t>(o.steps, 1));
    std::cout << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
              << std::string(static_cast<std::size_t>(width - filled), '.') << "] " << line
              << "\x1b[K" << std::flush;
  } else if (evaluate && !interrupt::requested()) {
    char exact[32];
    std::snprintf(exact, sizeof exact, " exact %.1f%%", 100 * m.last_eval.exact);
    std::cout << line << exact << std::endl;
  }
}

// Every --eval-every steps and after the last: scored on examples never trained on.
void evaluate_now(const Options& o, const Data& data, Run& run) {
  Measured& m = run.measured;
  Generator eval_gen(o.seed + 1000 + static_cast<std::uint64_t>(run.done));  // unseen examples
  const training::Evaluation e = training::evaluate(run.model, *data.scored(), o.eval_batch,
                                                    o.batch, eval_gen, interrupt::requested);
  if (!e.complete) return;
  m.last_eval = e.score, m.evaluated = true, m.eval_step = run.done;
  m.curves.eval_steps.push_back(static_cast<double>(run.done));
  m.curves.eval_loss.push_back(e.score.loss), m.curves.eval_acc.push_back(e.score.acc);
  m.curves.eval_exact.push_back(e.score.exact);
}

}  // namespace

std::optional<int> train(const Options& o, const Data& data, Run& run, Saver& saver, bool tty) {
  std::ofstream loss_log;
  if (!o.loss_log.empty()) loss_log = open_loss_log(o.loss_log, o.resuming(), run.done);
  // Ctrl-C and SIGTERM now mean "save, then stop": from before the first save, so that a signal
  // during any save lets it complete, and the run then stops.
  interrupt::set_phase(interrupt::Phase::Training);
  if (const auto stopped = saver.first_save(tty)) return stopped;
  const tasks::Task* task = data.task.get();  // present whenever steps remain (load_data)
  // --train-batches N: N batches drawn once, from a generator of their own (so a resumed run
  // draws the same ones), and trained on in turn.
  std::vector<tasks::Batch> fixed_batches;
  if (o.train_batches > 0 && run.done < o.steps) {
    Generator fixed_gen(o.seed + 5000);
    for (std::int64_t n = 0; n < o.train_batches; ++n)
      fixed_batches.push_back(task->sample(o.batch, fixed_gen));
  }
  Measured& m = run.measured;
  for (std::int64_t step = run.first_step; step < o.steps; ++step) {
    const auto start = std::chrono::steady_clock::now();
    run.opt.lr = o.cosine ? optim::warmup_cosine(step, o.warmup, o.steps, o.lr, o.lr / 10) : o.lr;
    const tasks::Batch b = fixed_batches.empty()
                               ? task->sample(o.batch, run.train_gen)
                               : fixed_batches[static_cast<std::size_t>(step % o.train_batches)];
    Tensor loss;
    m.last_train = training::score(run.model, b, &loss);
    loss.backward();
    if (step + 1 == o.simulate_bad_gradient)  // a test's stand-in for an overflowing gradient
      run.model.parameters().back().grad().data<float>()[0] = NAN;
    try {
      training::apply_gradients(run.model, run.opt, o.clip, step + 1);
    } catch (const training::NonFiniteGradient& e) {
      if (tty) std::cout << "\n";
      std::cerr << "train_transformer: " << e.what() << ". Training stopped; "
                << (run.saved_step >= 0
                        ? "the last save, in '" + (o.save_dir.empty() ? o.resume_dir : o.save_dir) +
                              "', is from step " + std::to_string(run.saved_step)
                        : std::string("nothing was saved"))
                << " (try a smaller --lr, or --clip)\n";
      return 1;
    }
    m.train_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    run.done = step + 1;
    const std::int64_t done = run.done;
    const std::string router_text = router_summary(run.model);  // this step's, before evaluating
    if (has_experts(run.model.config()))
      m.expert_loads.record(run.model, static_cast<double>(done));
    m.curves.steps.push_back(static_cast<double>(done));
    m.curves.loss.push_back(m.last_train.loss), m.curves.acc.push_back(m.last_train.acc);
    if (loss_log.is_open()) {
      char entry[64];
      std::snprintf(entry, sizeof entry, "%lld %.9g\n", static_cast<long long>(done),
                    m.last_train.loss);
      if (!(loss_log << entry << std::flush))  // a full disk: stop now, not at the end
        fail("--loss-log", "writing '", o.loss_log, "' failed at step ", done);
    }
    if (o.save_every > 0 && done % o.save_every == 0) saver.save(o.save_dir);
    if (done == o.simulate_interrupt) std::raise(SIGINT);

    const bool evaluate = done % o.eval_every == 0 || done == o.steps;
    if (evaluate && !interrupt::requested()) evaluate_now(o, data, run);
    show_progress(o, run, task->seq_len(), router_text, evaluate, tty);
    if (interrupt::requested()) return saver.save_and_exit(tty);
    if (evaluate && o.stop_at > 0 && 100 * m.last_eval.acc >= o.stop_at) {
      if (tty) std::cout << "\n";
      std::cout << "reached " << o.stop_at << "% evaluation accuracy at step " << done << "\n";
      break;
    }
  }
  if (tty && run.trained() > 0) std::cout << "\n";
  return std::nullopt;
}

void evaluate_untrained(const Options& o, const Data& data, Run& run) {
  Measured& m = run.measured;
  if (run.trained() == 0 && data.task) {  // a loaded model (or a finished run), as it is
    Generator eval_gen(o.seed + 1000);
    m.last_eval =
        training::evaluate(run.model, *data.scored(), o.eval_batch, o.batch, eval_gen).score;
    m.evaluated = true, m.eval_step = run.done;
    std::cout << "evaluation: loss " << m.last_eval.loss << ", accuracy " << 100 * m.last_eval.acc
              << "%, exact " << 100 * m.last_eval.exact << "%"
              << (o.text_file_given ? "" : " (on its text, '" + o.text_file + "')")
              << (o.is_text() ? ", on the held-out part" : "") << std::endl;
  } else if (!data.task) {
    std::cout << data.no_evaluation << "\n";
  }
}

}  // namespace tg::trainer
