// examples/train/report.cpp — what train_transformer shows after training: the pictures in
// --out DIR (training_plots.hpp and moe_plots.hpp say how each is drawn) and the summary line,
// each number named by where it was measured.
//
// Layer: examples.
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "core/formats/file_io.hpp"
#include "core/tapegrad.hpp"
#include "plot/svg.hpp"
#include "train/stages.hpp"

namespace tg::trainer {

namespace {

// Peak resident memory of this process so far, in MB (Linux reports kilobytes).
double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
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

}  // namespace

// --out DIR: the curves of the steps this run trained (none without training) and, when there is
// a task to draw an example from, the attention weights on one example (the first 48 tokens of
// a text window), drawn without recording. Each file is written atomically.
void draw_pictures(const Options& o, const Data& data, Run& run) {
  const std::string& task_name = run.saved.task;
  const tasks::Task* task = data.task.get();
  const training::Curves& curves = run.measured.curves;
  const training::ExpertLoadHistory& expert_loads = run.measured.expert_loads;
  nn::Transformer& model = run.model;
  std::vector<std::string> wrote;
  const std::string base = o.out_dir + "/";
  if (!curves.steps.empty()) {
    std::vector<training::Landmark> loss_marks, acc_marks;
    landmarks(task_name, task, vocab_of(model.config()), loss_marks, acc_marks);
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
    Generator gen(o.seed + 3000);  // an example of its own, never trained on
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
    if (has_experts(model.config())) {
      plot::write_svg(training::routing_figure(
                          model, ids, labels,
                          "experts per token: " + task_name + " (cell: weight; white 0, blue 1)"),
                      base + "expert_routing.svg");
      wrote.push_back("expert_routing.svg");
    }
    model.train();
  }
  if (wrote.empty()) return;
  std::cout << "pictures: " << o.out_dir << "/{";
  for (std::size_t i = 0; i < wrote.size(); ++i) std::cout << (i ? "," : "") << wrote[i];
  std::cout << "}\n";
}

// Each number says where it comes from: train_loss is the last training batch's (of this run),
// eval_* the last evaluation's, on fresh examples after step eval_step; "none" for what was not
// measured (no training; a text model whose text is gone). val_loss and val_ppl: the last
// evaluation's again, when it was made on held-out text (a text run's validation part; a task
// has none: its examples are always fresh).
void print_summary(const Options& o, const Data& data, const Run& run) {
  const Measured& m = run.measured;
  auto measured = [](bool known, double value) {
    char text[32] = "none";
    if (known) std::snprintf(text, sizeof text, "%.4f", value);
    return std::string(text);
  };
  const std::string eval_step_text = m.evaluated ? std::to_string(m.eval_step) : "none";
  if (!m.expert_loads.steps.empty()) std::cout << "experts: " << m.expert_loads.last() << "\n";
  const bool validated = m.evaluated && o.is_text() && data.task;
  const std::int64_t trained = run.trained();
  const nn::ModelConfig& config = run.model.config();
  std::printf(
      "summary: task=%s ffn=%s params=%lld steps=%lld train_loss=%s eval_step=%s eval_loss=%s "
      "eval_acc=%s eval_exact=%s ms_per_step=%.2f tokens_per_s=%.0f peak_rss_mb=%.0f "
      "val_loss=%s val_ppl=%s\n",
      run.saved.task.c_str(), ffn_label(config).c_str(),
      static_cast<long long>(run.model.num_parameters()), static_cast<long long>(run.done),
      measured(trained > 0, m.last_train.loss).c_str(), eval_step_text.c_str(),
      measured(m.evaluated, m.last_eval.loss).c_str(),
      measured(m.evaluated, m.last_eval.acc).c_str(),
      measured(m.evaluated, m.last_eval.exact).c_str(),
      trained ? 1000 * m.train_seconds / static_cast<double>(trained) : 0.0,
      trained ? static_cast<double>(trained * o.batch * context_of(config)) / m.train_seconds : 0.0,
      peak_rss_mb(), measured(validated, m.last_eval.loss).c_str(),
      measured(validated, std::exp(m.last_eval.loss)).c_str());
}

}  // namespace tg::trainer
