// examples/moe_plots.cpp — see moe_plots.hpp.
#include "moe_plots.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/tapegrad.hpp"

namespace tg::training {

void ExpertLoadHistory::record(const nn::Transformer& model, double step) {
  const nn::ModelConfig& c = model.config();
  std::vector<std::vector<double>> layers;
  for (const auto& block : model.model->blocks) {
    std::vector<double> share = block->routing().load;  // f_i: sums to k
    for (double& f : share) f /= static_cast<double>(c.num_experts_per_tok);
    layers.push_back(std::move(share));
  }
  steps.push_back(step);
  load.push_back(std::move(layers));
}

std::string ExpertLoadHistory::last() const {
  if (steps.empty()) return "";
  char number[64];
  std::snprintf(number, sizeof number,
                "load at step %.0f (each layer's routed tokens per expert):", steps.back());
  std::string text = number;
  for (std::size_t l = 0; l < load.back().size(); ++l) {
    text += (l ? ", layer " : " layer ") + std::to_string(l);
    for (std::size_t i = 0; i < load.back()[l].size(); ++i) {
      std::snprintf(number, sizeof number, "%s%.0f", i ? "/" : " ", 100 * load.back()[l][i]);
      text += number;
    }
    text += "%";
  }
  return text;
}

plot::Figure expert_load_figure(const ExpertLoadHistory& h, const std::string& title) {
  const std::size_t layers = h.load.empty() ? 0 : h.load[0].size();
  const std::size_t experts = layers == 0 ? 0 : h.load[0][0].size();
  plot::Figure fig(title, 1, static_cast<int>(std::max<std::size_t>(layers, 1)));
  const double x0 = h.steps.empty() ? 0 : h.steps.front(),
               x1 = h.steps.empty() ? 1 : h.steps.back();
  for (std::size_t l = 0; l < layers; ++l) {
    plot::Panel& p = fig.add_panel("layer " + std::to_string(l), "step", "share of the tokens");
    for (std::size_t i = 0; i < experts; ++i) {
      std::vector<double> share;
      for (const auto& at_step : h.load) share.push_back(at_step[l][i]);
      p.add("expert " + std::to_string(i), h.steps, share);
    }
    const double balanced = 1.0 / static_cast<double>(experts);
    plot::Series& even = p.add("1/E: balanced", {x0, x1}, {balanced, balanced});
    even.dashed = true;
    double top = 2 * balanced;
    for (const auto& at_step : h.load)
      for (double share : at_step[l]) top = std::max(top, share);
    p.y_range = plot::Range{0, std::min(1.0, 1.1 * top)};
    p.x_range = plot::Range{x0, std::max(x1, x0 + 1)};
    p.legend = plot::LegendPlace::Outside;  // nine entries would cover the curves
  }
  return fig;
}

plot::Figure routing_figure(nn::Transformer& model, const std::vector<std::int64_t>& ids,
                            const std::vector<std::string>& labels, const std::string& title) {
  const nn::ModelConfig& c = model.config();
  if (c.num_local_experts == 0) fail("routing_figure", "the model has no experts (--ffn moe)");
  const auto T = static_cast<std::int64_t>(ids.size());
  {
    NoGradGuard no_grad;  // a picture: nothing to record
    model.forward(ids, 1, T);
  }
  const auto E = static_cast<std::size_t>(c.num_local_experts),
             k = static_cast<std::size_t>(c.num_experts_per_tok);
  plot::Figure fig(title, static_cast<int>(c.num_hidden_layers), 1);
  fig.panel_width = static_cast<int>(std::max<std::int64_t>(560, 80 + 14 * T));
  fig.panel_height = static_cast<int>(120 + 18 * E);
  std::vector<std::string> rows;
  for (std::size_t i = 0; i < E; ++i) rows.push_back("expert " + std::to_string(i));
  for (std::size_t l = 0; l < model.model->blocks.size(); ++l) {
    const nn::MoEOutput& r = model.model->blocks[l]->routing();
    const std::vector<double> logits = r.router_logits.to_vector();  // (T, E)
    plot::Heatmap map;
    map.rows = static_cast<int>(E), map.cols = static_cast<int>(T);
    map.values.assign(E * static_cast<std::size_t>(T), 0.0);
    for (std::size_t n = 0; n < static_cast<std::size_t>(T); ++n) {
      // w_i = softmax over the chosen logits alone (Mixtral's renormalised top-k, moe.hpp)
      const double top = logits[n * E + static_cast<std::size_t>(r.chosen[n * k])];
      double sum = 0;
      for (std::size_t j = 0; j < k; ++j)
        sum += std::exp(logits[n * E + static_cast<std::size_t>(r.chosen[n * k + j])] - top);
      for (std::size_t j = 0; j < k; ++j) {
        const auto i = static_cast<std::size_t>(r.chosen[n * k + j]);
        map.values[i * static_cast<std::size_t>(T) + n] = std::exp(logits[n * E + i] - top) / sum;
      }
    }
    map.row_labels = rows;
    map.col_labels = labels;
    plot::Panel& p = fig.add_panel("layer " + std::to_string(l), "token", "");
    p.heatmap = std::move(map);
  }
  return fig;
}

}  // namespace tg::training
