// examples/train_transformer.cpp — trains a toy decoder-only transformer end to end.
//
//   build/bin/train_transformer                      # the reverse task, to >= 99% accuracy
//   build/bin/train_transformer --task sort --steps 1500
//   build/bin/train_transformer --text book.txt --seq 64 --steps 2000 --generate "The "
//   build/bin/train_transformer --load DIR --generate "3141592653589793|"   (evaluates, no
//   training)
//   build/bin/train_transformer --steps 5000 --save run --save-every 200    then, after Ctrl-C:
//   build/bin/train_transformer --resume run
//
// Each step: a fresh batch, forward, cross-entropy over the scored positions, backward, gradient
// clipping, an AdamW step. Every --eval-every steps the model is scored on freshly drawn
// examples it never trained on (token accuracy and exact match of whole answers). A progress
// bar shows step, loss, accuracy, tokens/s and ETA (plain lines when stdout is not a terminal),
// and the last line is a summary:
//   summary: task=... ffn=... params=... steps=... loss=... acc=... ms_per_step=...
//   tokens_per_s=...
// Ctrl-C finishes the current step, saves everything to --save DIR (or ./interrupted-run) and
// exits with status 130; --resume DIR continues with the loss curve the uninterrupted run would
// have had (run_checkpoint.hpp says what is saved). A second Ctrl-C exits at once.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "checkpoint_io.hpp"
#include "cli.hpp"
#include "interrupt.hpp"
#include "run_checkpoint.hpp"
#include "core/safetensors.hpp"
#include "core/tapegrad.hpp"
#include "layers/optim.hpp"
#include "layers/transformer.hpp"
#include "tasks.hpp"

using namespace tg;

namespace {

const char* kUsage =
    "usage: train_transformer [flags]\n"
    "  --task NAME        copy | reverse | sort | modadd (default reverse)\n"
    "  --text FILE        character-level language modelling of FILE instead of a task\n"
    "  --modulus P        modadd's modulus, 2..200 (default 23)\n"
    "  --ffn KIND         relu gelu swish glu bilinear reglu geglu swiglu (default swiglu)\n"
    "  --d-model N        width, 8..1024 (default 64)\n"
    "  --layers N         blocks, 1..32 (default 2)\n"
    "  --heads N          attention heads, dividing d-model (default 4)\n"
    "  --positions P      learned | rope (default learned, as GPT-2 and the PyTorch peer)\n"
    "  --norm N           rms | layer (default rms)\n"
    "  --seq N            text: context length, 2..1024 (default 64); tasks fix their own\n"
    "  --batch N          examples per step, 1..4096 (default 32)\n"
    "  --steps N          training steps, 0..1000000 (default 400; stops early, see --stop-at)\n"
    "  --lr X             peak learning rate (default 0.001)\n"
    "  --schedule S       constant | cosine (linear warm-up, cosine decay to lr/10) (default "
    "constant)\n"
    "  --warmup N         warm-up steps for cosine (default 0)\n"
    "  --weight-decay X   AdamW decay on matrices (default 0.01)\n"
    "  --clip X           gradient clipping by global norm, 0 = off (default 1)\n"
    "  --seed N           seed for weights and data (default 0)\n"
    "  --threads N        threads for the kernels, 1..1024 (default: the hardware threads);\n"
    "                     any count gives the same numbers, bit for bit\n"
    "  --eval-every N     steps between evaluations, 1..100000 (default 10)\n"
    "  --eval-batch N     examples per evaluation (default 512)\n"
    "  --stop-at PCT      stop when evaluation accuracy reaches PCT% (default 99 for tasks,\n"
    "                     0 = never; text runs never stop early)\n"
    "  --save DIR         at the end write model.safetensors, config.json and vocab.json into\n"
    "                     DIR, and checkpoint.safetensors (optimizer and generator states too)\n"
    "  --save-every N     also save every N steps, so a crash loses at most N steps (0 = off)\n"
    "  --resume DIR       continue the run saved in DIR where it stopped, with its flags (a flag\n"
    "                     given again overrides); saves go to DIR unless --save says otherwise\n"
    "  --load DIR         start from a saved model (its config replaces the model flags);\n"
    "                     it is evaluated, and trained further only if --steps is given\n"
    "  --loss-log FILE    write \"step loss\" for every training step to FILE\n"
    "  --simulate-interrupt N  behave as if Ctrl-C arrived during step N (to test resuming)\n"
    "  --generate TEXT    after training, continue TEXT (tasks: digits and '|', modadd: \"3+4=\")\n"
    "  --temperature X    0 = greedy (default); otherwise sample from softmax(logits / X)\n"
    "  --max-new N        tokens to generate, 1..10000 (default 32)\n"
    "  --logits-out FILE  also save the prompt's logits (T, vocab) as safetensors, to compare\n"
    "                     with another implementation (docs/training.md)\n";

double parse_real(cli::Flags& flags, const std::string& name, double lo, double hi) {
  const std::string v = flags.text(name);
  char* end = nullptr;
  const double x = std::strtod(v.c_str(), &end);
  if (v.empty() || end != v.c_str() + v.size() || !(x >= lo && x <= hi))
    flags.error("--" + name + " must be a number from " + std::to_string(lo) + " to " +
                std::to_string(hi) + ", got '" + v + "'");
  return x;
}

struct Score {
  double loss = 0, acc = 0, exact = 0;
};

// Loss, token accuracy and exact match (every scored token of an example right) on a batch.
Score score(nn::Transformer& model, const tasks::Batch& b, Tensor* loss_out = nullptr) {
  const std::int64_t V = model.config().vocab;
  const Tensor logits = model.forward(b.x, b.B, b.T).reshape({b.B * b.T, V});
  const Tensor loss = cross_entropy(logits, b.y, tasks::kIgnore);
  if (loss_out) *loss_out = loss;
  const std::vector<std::int64_t> predicted = argmax(logits.detach(), 1);
  std::int64_t scored = 0, right = 0, exact = 0;
  for (std::int64_t n = 0; n < b.B; ++n) {
    bool all = true;
    for (std::int64_t t = 0; t < b.T; ++t) {
      const auto i = static_cast<std::size_t>(n * b.T + t);
      if (b.y[i] == tasks::kIgnore) continue;
      ++scored;
      const bool ok = predicted[i] == b.y[i];
      right += ok;
      all = all && ok;
    }
    exact += all;
  }
  return {loss.item(), scored ? static_cast<double>(right) / static_cast<double>(scored) : 0,
          static_cast<double>(exact) / static_cast<double>(b.B)};
}

// Scores `n` fresh examples in chunks of at most `chunk` rows (so evaluation needs no more memory
// than a training step), averaging loss and accuracies over all of them.
Score evaluate_model(nn::Transformer& model, const tasks::Task& task, std::int64_t n,
                     std::int64_t chunk, Generator& gen) {
  NoGradGuard no_grad;
  model.eval();
  Score total;
  std::int64_t done = 0;
  while (done < n) {
    const std::int64_t rows = std::min(chunk, n - done);
    const Score s = score(model, task.sample(rows, gen));
    const double w = static_cast<double>(rows) / static_cast<double>(n);
    total.loss += w * s.loss, total.acc += w * s.acc, total.exact += w * s.exact;
    done += rows;
  }
  model.train();
  return total;
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
  cli::Flags flags("train_transformer", kUsage);
  for (auto [name, value] : std::initializer_list<std::pair<const char*, const char*>>{
           {"task", "reverse"},   {"text", ""},
           {"modulus", "23"},     {"ffn", "swiglu"},
           {"d-model", "64"},     {"layers", "2"},
           {"heads", "4"},        {"positions", "learned"},
           {"norm", "rms"},       {"seq", "64"},
           {"batch", "32"},       {"steps", "400"},
           {"lr", "0.001"},       {"schedule", "constant"},
           {"warmup", "0"},       {"weight-decay", "0.01"},
           {"clip", "1"},         {"seed", "0"},
           {"threads", ""},       {"eval-every", "10"},
           {"eval-batch", "512"}, {"stop-at", ""},
           {"save", ""},          {"load", ""},
           {"generate", ""},      {"temperature", "0"},
           {"max-new", "32"},     {"logits-out", ""},
           {"save-every", "0"},   {"resume", ""},
           {"loss-log", ""},      {"simulate-interrupt", "0"}})
    flags.add(name, value);
  flags.parse(argc, argv);
  interrupt::install();

  try {
    // Resuming: the saved run's flags apply unless given again, and saves go back to its folder.
    const std::string resume_dir = flags.text("resume");
    io::Checkpoint checkpoint;
    std::map<std::string, std::string> run_flags = flags.given_values();
    if (!resume_dir.empty()) {
      checkpoint = io::read_checkpoint(resume_dir);
      for (const auto& [name, value] : checkpoint.state.flags) {
        flags.fill(name, value);
        run_flags.emplace(name, value);  // what is given now wins over what was saved
      }
      flags.fill("save", resume_dir);
    }
    // Flags of this invocation only, not of the run: a resumed run does not repeat them.
    for (const char* name : {"resume", "save", "load", "loss-log", "simulate-interrupt",
                             "generate", "logits-out", "temperature", "max-new"})
      run_flags.erase(name);
    const std::string save_dir = flags.text("save");
    const auto save_every = flags.integer("save-every", 0, 1000000);
    if (save_every > 0 && save_dir.empty()) flags.error("--save-every needs --save DIR");
    const auto simulate_interrupt = flags.integer("simulate-interrupt", 0, 1000000);

    // A loaded model is evaluated (and can generate) unless --steps asks for more training.
    const auto steps = !flags.text("load").empty() && resume_dir.empty() && !flags.given("steps")
                           ? 0
                           : flags.integer("steps", 0, 1000000);
    const auto batch = flags.integer("batch", 1, 4096);
    const auto seed = static_cast<std::uint64_t>(flags.integer("seed", 0, 1LL << 62));
    const auto eval_every = flags.integer("eval-every", 1, 100000);
    const auto eval_batch = flags.integer("eval-batch", 1, 100000);
    const auto max_new = flags.integer("max-new", 1, 10000);
    if (!flags.text("threads").empty())
      set_num_threads(static_cast<int>(flags.integer("threads", 1, 1024)));
    const double lr = parse_real(flags, "lr", 0, 10);
    const double weight_decay = parse_real(flags, "weight-decay", 0, 10);
    const double clip = parse_real(flags, "clip", 0, 1e6);
    const double temperature = parse_real(flags, "temperature", 0, 100);
    const auto warmup = flags.integer("warmup", 0, 1000000);
    const std::string schedule = flags.text("schedule");
    if (schedule != "constant" && schedule != "cosine")
      flags.error("--schedule must be constant or cosine");

    // The task, and the model: from flags, or from a saved run.
    std::unique_ptr<tasks::Task> task;
    std::unique_ptr<nn::Transformer> model;
    io::SavedRun run;
    Generator init_gen(seed);
    // A resumed run's model is described by its folder's config.json, like a loaded one; its
    // weights come from the checkpoint.
    const std::string load_dir = resume_dir.empty() ? flags.text("load") : resume_dir;
    const std::string text_file = flags.text("text");
    if (!load_dir.empty()) {
      run = io::load_config(load_dir);
      model = std::make_unique<nn::Transformer>(run.config, init_gen);
      if (resume_dir.empty()) io::load_weights(load_dir, *model);
    }
    if (!text_file.empty()) {
      const std::int64_t seq = model ? run.config.max_seq : flags.integer("seq", 2, 1024);
      task = std::make_unique<tasks::CharTask>(tasks::read_text_file(text_file), seq, text_file);
    } else {
      const std::string name = model ? run.task : flags.text("task");
      if (name.rfind("text:", 0) == 0 && steps > 0)
        fail("train_transformer",
             "this model was trained on text: pass --text FILE to train it further");
      if (name.rfind("text:", 0) != 0)
        task = tasks::make_synthetic(name, model ? run.modulus : flags.integer("modulus", 2, 200));
    }
    if (!model) {
      nn::ModelConfig c;
      c.vocab = task->vocab();
      c.d_model = flags.integer("d-model", 8, 1024);
      c.layers = flags.integer("layers", 1, 32);
      c.heads = flags.integer("heads", 1, 64);
      c.max_seq = task->seq_len();
      c.ffn = nn::parse_ffn_kind(flags.text("ffn"));
      const std::string positions = flags.text("positions"), norm = flags.text("norm");
      if (positions != "learned" && positions != "rope")
        flags.error("--positions must be learned or rope");
      if (norm != "rms" && norm != "layer") flags.error("--norm must be rms or layer");
      c.rope = positions == "rope";
      c.rms_norm = norm == "rms";
      if (c.d_model % c.heads != 0 || (c.d_model / c.heads) % 2 != 0)
        flags.error("--heads must split --d-model into heads of even size");
      // Attention keeps a few (batch, heads, seq, seq) tensors per layer: refuse what cannot fit.
      const double attention_bytes = 4.0 * 8 * static_cast<double>(batch) *
                                     static_cast<double>(c.heads) * static_cast<double>(c.max_seq) *
                                     static_cast<double>(c.max_seq) * static_cast<double>(c.layers);
      if (attention_bytes > 8e9)
        flags.error("--batch, --heads, --seq and --layers together need about " +
                    std::to_string(static_cast<long long>(attention_bytes / 1e9)) +
                    " GB for attention; make them smaller");
      model = std::make_unique<nn::Transformer>(c, init_gen);
      run.config = c;
      run.task = task->name();
      run.modulus = flags.integer("modulus", 2, 200);
      for (std::int64_t id = 0; id < c.vocab; ++id) run.tokens.push_back(task->token_text(id));
    }
    if (task && task->vocab() != model->config().vocab)
      fail("train_transformer", "the task has ", task->vocab(), " tokens but the model ",
           model->config().vocab);
    const nn::ModelConfig& config = model->config();
    const bool is_text = task && task->name().rfind("text:", 0) == 0;
    const double stop_at = flags.text("stop-at").empty() ? (is_text ? 0.0 : 99.0)
                                                         : parse_real(flags, "stop-at", 0, 100);

    std::cout << "task " << run.task << ", " << nn::ffn_kind_name(config.ffn) << " FFN, d_model "
              << config.d_model << ", " << config.layers << " layers, " << config.heads
              << " heads, seq " << config.max_seq << ", " << model->num_parameters()
              << " parameters\n";
    if (is_text)
      std::cout << "unigram entropy of the text: "
                << static_cast<const tasks::CharTask*>(task.get())->unigram_entropy()
                << " nats per character\n";

    // Training.
    optim::AdamOptions ao;
    ao.lr = lr;
    optim::AdamW opt(optim::decay_groups(model->named_parameters(), weight_decay), ao);
    // Data and sampling draw from their own streams, not the one that initialised the weights.
    Generator train_gen(seed + 7919), sample_gen(seed + 2000);
    std::int64_t done = 0;  // steps completed, counted from the start of the run
    if (!resume_dir.empty()) {
      io::restore(checkpoint, *model, opt);
      train_gen.set_state(checkpoint.state.train_rng);
      sample_gen.set_state(checkpoint.state.sample_rng);
      done = checkpoint.state.step;
      std::cout << "resumed " << resume_dir << " after step " << done << "\n";
    }
    const std::int64_t first_step = done;
    // Everything needed to continue: the model's files (for --load) and the checkpoint.
    auto save_all = [&](const std::string& dir) {
      io::save_run(dir, *model, run);
      io::save_checkpoint(dir, *model, opt,
                          {done, train_gen.state(), sample_gen.state(), run_flags});
    };
    std::ofstream loss_log;
    if (!flags.text("loss-log").empty()) {
      loss_log.open(flags.text("loss-log"));
      if (!loss_log) fail("train_transformer", "cannot write '", flags.text("loss-log"), "'");
    }
    const bool tty = isatty(STDOUT_FILENO) != 0;
    Score last_eval, last_train;
    double train_seconds = 0;
    for (std::int64_t step = first_step; step < steps; ++step) {
      const auto start = std::chrono::steady_clock::now();
      opt.lr = schedule == "cosine" ? optim::warmup_cosine(step, warmup, steps, lr, lr / 10) : lr;
      const tasks::Batch b = task->sample(batch, train_gen);
      Tensor loss;
      last_train = score(*model, b, &loss);
      loss.backward();
      if (clip > 0) optim::clip_grad_norm(model->parameters(), clip);
      opt.step();
      opt.zero_grad();
      train_seconds +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      done = step + 1;
      if (loss_log.is_open()) {
        char entry[64];
        std::snprintf(entry, sizeof entry, "%lld %.9g\n", static_cast<long long>(done),
                      last_train.loss);
        loss_log << entry << std::flush;
      }
      if (save_every > 0 && done % save_every == 0) save_all(save_dir);
      if (done == simulate_interrupt) std::raise(SIGINT);

      const bool evaluate = done % eval_every == 0 || done == steps;
      if (evaluate) {
        NoGradGuard no_grad;
        Generator eval_gen(seed + 1000 +
                           static_cast<std::uint64_t>(done));  // fresh, unseen examples
        model->eval();
        last_eval = score(*model, task->sample(eval_batch, eval_gen));
        model->train();
      }
      const auto this_run = static_cast<double>(done - first_step);
      const double tokens_per_s =
          this_run * static_cast<double>(batch * task->seq_len()) / train_seconds;
      const double eta = train_seconds / this_run * static_cast<double>(steps - done);
      // Compact enough for an 80-column terminal with the 22-character bar in front.
      char line[256];
      std::snprintf(line, sizeof line,
                    "step %lld/%lld loss %.4f acc %5.1f%% eval %5.1f%% %6.0f tok/s ETA %s",
                    static_cast<long long>(done), static_cast<long long>(steps), last_train.loss,
                    100 * last_train.acc, 100 * last_eval.acc, tokens_per_s, duration(eta).c_str());
      if (tty) {
        const int width = 20,
                  filled = static_cast<int>(width * done / std::max<std::int64_t>(steps, 1));
        std::cout << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
                  << std::string(static_cast<std::size_t>(width - filled), '.') << "] " << line
                  << "\x1b[K" << std::flush;
      } else if (evaluate) {  // flushed, so a log file can be followed while it runs
        char exact[32];
        std::snprintf(exact, sizeof exact, " exact %.1f%%", 100 * last_eval.exact);
        std::cout << line << exact << std::endl;
      }
      if (interrupt::requested()) {
        const std::string dir = save_dir.empty() ? "interrupted-run" : save_dir;
        if (tty) std::cout << "\n";
        save_all(dir);
        std::cout << "interrupted after step " << done << ": saved to " << dir
                  << "; continue with --resume " << dir << std::endl;
        return 130;  // 128 + SIGINT: the run did not finish
      }
      if (evaluate && stop_at > 0 && 100 * last_eval.acc >= stop_at) {
        if (tty) std::cout << "\n";
        std::cout << "reached " << stop_at << "% evaluation accuracy at step " << done << "\n";
        break;
      }
    }
    const std::int64_t trained = done - first_step;
    if (tty && trained > 0) std::cout << "\n";
    if (trained == 0 && task) {
      Generator eval_gen(seed + 1000);
      last_eval = evaluate_model(*model, *task, eval_batch, batch, eval_gen);
      std::cout << "evaluation: loss " << last_eval.loss << ", accuracy " << 100 * last_eval.acc
                << "%, exact " << 100 * last_eval.exact << "%\n";
    }

    if (!save_dir.empty()) {
      save_all(save_dir);
      std::cout << "saved to " << save_dir
                << "/{model.safetensors,config.json,vocab.json,checkpoint.safetensors}\n";
    }

    const std::string prompt = flags.text("generate");
    if (!prompt.empty()) {
      NoGradGuard no_grad;
      model->eval();
      std::string error;
      std::vector<std::int64_t> ids;
      if (task) {
        ids = task->encode(prompt, error);
      } else {  // a text model loaded without its text: map characters through the saved tokens
        for (char ch : prompt) {
          std::int64_t id = -1;
          for (std::size_t t = 0; t < run.tokens.size(); ++t)
            if (run.tokens[t] == std::string(1, ch)) id = static_cast<std::int64_t>(t);
          if (id < 0) error = std::string("prompt character '") + ch + "' is not in the vocabulary";
          ids.push_back(id);
        }
      }
      if (!error.empty() || ids.empty()) fail("generate", error.empty() ? "empty prompt" : error);
      if (!flags.text("logits-out").empty()) {
        if (static_cast<std::int64_t>(ids.size()) > config.max_seq)
          fail("logits-out", "prompt longer than max_seq");
        const auto T = static_cast<std::int64_t>(ids.size());
        save_safetensors(
            flags.text("logits-out"),
            {{"logits", model->forward(ids, 1, T).reshape({T, config.vocab}).detach()}});
      }
      std::string out;
      for (std::int64_t n = 0; n < max_new; ++n) {
        // The last max_seq tokens are the context.
        const std::size_t from = ids.size() > static_cast<std::size_t>(config.max_seq)
                                     ? ids.size() - static_cast<std::size_t>(config.max_seq)
                                     : 0;
        const std::vector<std::int64_t> context(ids.begin() + static_cast<std::ptrdiff_t>(from),
                                                ids.end());
        const auto T = static_cast<std::int64_t>(context.size());
        const Tensor logits =
            slice(model->forward(context, 1, T).reshape({T, config.vocab}), 0, T - 1, T);
        std::int64_t next;
        if (temperature == 0) {
          next = argmax(logits, 1)[0];
        } else {
          const std::vector<double> p = softmax(logits.to(float64) / temperature, 1).to_vector();
          double u = sample_gen.uniform(), acc = 0;
          next = static_cast<std::int64_t>(p.size()) - 1;
          for (std::size_t k = 0; k < p.size(); ++k)
            if ((acc += p[k]) > u) {
              next = static_cast<std::int64_t>(k);
              break;
            }
        }
        ids.push_back(next);
        out += run.tokens[static_cast<std::size_t>(next)];
      }
      std::cout << "generate: " << prompt << out << "\n";
    }

    // The last training batch's loss, or without training the evaluation's (none without a task).
    const double final_loss = trained ? last_train.loss : (task ? last_eval.loss : NAN);
    std::printf(
        "summary: task=%s ffn=%s params=%lld steps=%lld loss=%.4f acc=%.4f ms_per_step=%.2f "
        "tokens_per_s=%.0f\n",
        run.task.c_str(), nn::ffn_kind_name(config.ffn),
        static_cast<long long>(model->num_parameters()), static_cast<long long>(done), final_loss,
        last_eval.acc, trained ? 1000 * train_seconds / static_cast<double>(trained) : 0.0,
        trained ? static_cast<double>(trained * batch * (task ? task->seq_len() : 1)) / train_seconds
                : 0.0);
  } catch (const std::exception& e) {
    std::cerr << "train_transformer: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
