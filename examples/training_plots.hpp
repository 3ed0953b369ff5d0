// examples/training_plots.hpp — the pictures train_transformer draws: the loss and accuracy
// curves of a run, and the attention weights of a trained model on one example.
//
// Layer: examples (built on plot/ and the model of layers/). Every file is written through a
// temporary file renamed into place (core/formats/file_io.hpp), so a picture is whole or absent.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "layers/transformer.hpp"
#include "plot/figure.hpp"

namespace tg::training {

// What a run measured: every training step's batch (loss, token accuracy, before the step's
// update) and every evaluation (on fresh examples, after the step).
struct Curves {
  std::vector<double> steps, loss, acc;
  std::vector<double> eval_steps, eval_loss, eval_acc, eval_exact;
  // Whether the evaluations were made on held-out text (a text run's validation part): drawn
  // as "validation (held-out)", and in the CSV as val_loss, val_acc, val_ppl.
  bool validation = false;
};

// A horizontal line to read a curve against: ln V (a uniform guess over the vocabulary), ln 10
// (a uniform guess among the digits), 1/10 (chance accuracy), ...
struct Landmark {
  std::string label;
  double value;
};

// Two panels, loss and token accuracy against the step, each with its landmarks dashed.
plot::Figure curves_figure(const Curves& curves, const std::string& title,
                           const std::vector<Landmark>& loss_marks,
                           const std::vector<Landmark>& acc_marks);
// step,train_loss,train_acc,eval_loss,eval_acc,eval_exact: a row per step, the eval cells empty
// where no evaluation was made (with `validation`: step,train_loss,train_acc,val_loss,val_acc,
// val_ppl).
std::string curves_csv(const Curves& curves);

// One panel per layer (rows) and head (columns): the attention weights P of that head on the
// example `ids` (one sequence of T tokens), row i the weights query i gives to each key j.
// `labels` name the tokens (one per id).
plot::Figure attention_figure(nn::Transformer& model, const std::vector<std::int64_t>& ids,
                              const std::vector<std::string>& labels, const std::string& title);

}  // namespace tg::training
