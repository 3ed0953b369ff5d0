// examples/training_plots.cpp — see training_plots.hpp.
#include "training_plots.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "core/tapegrad.hpp"

namespace tg::training {

namespace {
// The landmarks as dashed lines across the panel (palette colours from 2 on; 0 and 1 are the
// curves').
void add_marks(plot::Panel& p, const std::vector<Landmark>& marks, double x0, double x1) {
  int color = 2;
  for (const Landmark& m : marks) {
    plot::Series& s = p.add(m.label, {x0, x1}, {m.value, m.value});
    s.dashed = true;
    s.color = color++;
  }
}
}  // namespace

plot::Figure curves_figure(const Curves& c, const std::string& title,
                           const std::vector<Landmark>& loss_marks,
                           const std::vector<Landmark>& acc_marks) {
  plot::Figure fig(title, 1, 2);
  const double x0 = c.steps.empty() ? 0 : c.steps.front(),
               x1 = c.steps.empty() ? 1 : c.steps.back();
  plot::Panel& loss = fig.add_panel("loss (nats per scored token)", "step", "loss");
  loss.add("training batch", c.steps, c.loss);
  const char* evaluation = c.validation ? "validation (held-out)" : "evaluation";
  plot::Series& eval_loss = loss.add(evaluation, c.eval_steps, c.eval_loss);
  eval_loss.markers = true;
  add_marks(loss, loss_marks, x0, x1);
  // The legend sits in the top left, where a falling loss starts: room above the curves for it.
  double top = 0;
  for (double v : c.loss) top = std::max(top, v);
  for (double v : c.eval_loss) top = std::max(top, v);
  for (const Landmark& m : loss_marks) top = std::max(top, m.value);
  const double legend_share =
      (16.0 * static_cast<double>(2 + loss_marks.size()) + 20) / (fig.panel_height - 76);
  loss.y_range = plot::Range{0, std::max(top, 1e-3) / (1 - legend_share)};
  loss.x_range = plot::Range{x0, std::max(x1, x0 + 1)};

  plot::Panel& acc = fig.add_panel("token accuracy", "step", "accuracy");
  acc.add("training batch", c.steps, c.acc);
  plot::Series& eval_acc = acc.add(evaluation, c.eval_steps, c.eval_acc);
  eval_acc.markers = true;
  add_marks(acc, acc_marks, x0, x1);
  acc.y_range = plot::Range{-0.02, 1.02};
  acc.x_range = loss.x_range;
  return fig;
}

std::string curves_csv(const Curves& c) {
  std::map<double, std::size_t> evaluation;  // step -> index of its evaluation
  for (std::size_t i = 0; i < c.eval_steps.size(); ++i) evaluation[c.eval_steps[i]] = i;
  std::string out = c.validation ? "step,train_loss,train_acc,val_loss,val_acc,val_ppl\n"
                                 : "step,train_loss,train_acc,eval_loss,eval_acc,eval_exact\n";
  char row[160];
  for (std::size_t i = 0; i < c.steps.size(); ++i) {
    std::snprintf(row, sizeof row, "%.0f,%.9g,%.9g", c.steps[i], c.loss[i], c.acc[i]);
    out += row;
    if (const auto e = evaluation.find(c.steps[i]); e != evaluation.end()) {
      std::snprintf(row, sizeof row, ",%.9g,%.9g,%.9g", c.eval_loss[e->second],
                    c.eval_acc[e->second],
                    c.validation ? std::exp(c.eval_loss[e->second]) : c.eval_exact[e->second]);
      out += row;
    } else {
      out += ",,,";
    }
    out += "\n";
  }
  return out;
}

plot::Figure attention_figure(nn::Transformer& model, const std::vector<std::int64_t>& ids,
                              const std::vector<std::string>& labels, const std::string& title) {
  const nn::ModelConfig& c = model.config();
  const auto T = static_cast<std::int64_t>(ids.size());
  const std::vector<Tensor> weights = model.attention_weights(ids, 1, T);  // (1, H, T, T) each
  plot::Figure fig(title, static_cast<int>(std::max<std::int64_t>(c.num_hidden_layers, 1)),
                   static_cast<int>(c.num_attention_heads));
  fig.panel_width = 300, fig.panel_height = 296;  // square cells: a 220 x 220 plotting area
  for (std::size_t l = 0; l < weights.size(); ++l) {
    const std::vector<double> P = weights[l].to_vector();  // (H, T, T), row-major
    for (std::int64_t h = 0; h < c.num_attention_heads; ++h) {
      plot::Panel& p = fig.add_panel("layer " + std::to_string(l) + ", head " + std::to_string(h),
                                     "key (the token attended to)", "query");
      plot::Heatmap map;
      map.rows = map.cols = static_cast<int>(T);
      map.values.assign(P.begin() + h * T * T, P.begin() + (h + 1) * T * T);
      map.row_labels = map.col_labels = labels;
      map.levels = 32;  // weights below 1/64 drawn white: about half the file
      p.heatmap = std::move(map);
    }
  }
  return fig;
}

}  // namespace tg::training
