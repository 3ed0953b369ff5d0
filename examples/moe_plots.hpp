// examples/moe_plots.hpp — the pictures of a mixture of experts (docs/moe.md): how the tokens
// spread over the experts during training, and which experts the tokens of one example go to.
//
// Layer: examples (built on plot/ and the model of layers/). train_transformer draws both into
// --out DIR for a model trained with --ffn moe: expert_load.svg and expert_routing.svg.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "layers/transformer.hpp"
#include "plot/figure.hpp"

namespace tg::training {

// Each layer's expert load at the training steps recorded: load[s][l][i] is the share of layer
// l's routed tokens that went to expert i in the batch of step steps[s] (the balancing loss's
// f_i / k, so a layer's shares sum to 1).
struct ExpertLoadHistory {
  std::vector<double> steps;
  std::vector<std::vector<std::vector<double>>> load;
  // Appends the load of `model`'s last forward (a model with experts) at `step`.
  void record(const nn::Transformer& model, double step);
  // "load at step 100 (each layer's routed tokens per expert): layer 0 13/12/.../12%, layer 1
  // ...": the last record, in whole percent; "" when there is none.
  std::string last() const;
};

// One panel per layer: a curve per expert, its share of the tokens against the step, with the
// balanced share 1/E dashed. Collapse shows as one curve climbing towards 1.
plot::Figure expert_load_figure(const ExpertLoadHistory& history, const std::string& title);

// One panel per layer: experts (rows) by the tokens of `ids` (columns, named by `labels`), each
// cell the weight w_i the token gives expert i (0 for the experts it was not routed to; the
// chosen weights of a token sum to 1). The model runs forward once on ids, without recording.
// Throws tg::Error when the model has no experts.
plot::Figure routing_figure(nn::Transformer& model, const std::vector<std::int64_t>& ids,
                            const std::vector<std::string>& labels, const std::string& title);

}  // namespace tg::training
