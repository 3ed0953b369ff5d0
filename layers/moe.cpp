// layers/moe.cpp — see moe.hpp for the formulas.
#include "layers/moe.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "activations/glu.hpp"
#include "core/error.hpp"
#include "core/ops.hpp"
#include "core/tape.hpp"
#include "layers/ffn.hpp"

namespace tg::nn {

SwiGLUExpert::SwiGLUExpert(std::int64_t d_model, std::int64_t hidden, Generator& gen, DType dtype) {
  w1 = register_module("w1", std::make_shared<Linear>(d_model, hidden, gen, false, dtype));
  w2 = register_module("w2", std::make_shared<Linear>(hidden, d_model, gen, false, dtype));
  w3 = register_module("w3", std::make_shared<Linear>(d_model, hidden, gen, false, dtype));
}

Tensor SwiGLUExpert::forward(const Tensor& x) const {
  return w2->forward(gated(w1->forward(x), w3->forward(x), GateActivation::Swish));
}

MoE::MoE(const MoEOptions& options, Generator& gen) : options_(options) {
  const std::int64_t d = options.d_model, E = options.experts, k = options.experts_per_token;
  if (d < 1) fail("MoE", "d_model must be positive, got ", d);
  if (E < 1) fail("MoE", "the number of experts must be at least 1, got ", E);
  if (k < 1 || k > E)
    fail("MoE", "experts per token must be in 1..", E, " (the number of experts), got ", k);
  hidden_ = options.hidden > 0 ? options.hidden : llama_hidden_size(d, options.multiple_of);
  gate = register_module("gate", std::make_shared<Linear>(d, E, gen, false, options.dtype));
  auto list = register_module("experts", std::make_shared<ModuleList>());
  for (std::int64_t i = 0; i < E; ++i)
    experts.push_back(list->append(std::make_shared<SwiGLUExpert>(d, hidden_, gen, options.dtype)));
}

std::int64_t MoE::active_parameters() const {
  const std::int64_t d = options_.d_model, expert = 3 * d * hidden_;
  return options_.experts * d + options_.experts_per_token * expert;
}

std::int64_t MoE::total_parameters() const {
  const std::int64_t d = options_.d_model, expert = 3 * d * hidden_;
  return options_.experts * d + options_.experts * expert;
}

Tensor MoE::balance_loss(const MoEOutput& routed) const {
  // E * sum_i f_i P_i: f counted from the choices (no gradient), P the mean probability.
  const Tensor& logits = routed.router_logits;
  const std::int64_t E = options_.experts;
  const Tensor f = tensor(routed.load, {E}, logits.dtype());
  return sum(mean(softmax(logits, 1), 0) * f) * static_cast<double>(E);
}

Tensor MoE::z_loss(const MoEOutput& routed) const {
  // mean_n (log sum_i exp r_ni)^2, with the row maximum taken out for stability.
  const Tensor& logits = routed.router_logits;
  const Tensor m = max(logits, 1, true).detach();
  const Tensor lse = log(sum(exp(logits - m), 1)) + m.reshape({logits.size(0)});
  return mean(lse * lse);
}

std::vector<std::int64_t> top_k_indices(const Tensor& probs, std::int64_t k) {
  const std::int64_t N = probs.size(0), E = probs.size(1);
  const std::vector<double> p = probs.to_vector();
  std::vector<std::int64_t> chosen;
  chosen.reserve(static_cast<std::size_t>(N * k));
  std::vector<std::int64_t> order(static_cast<std::size_t>(E));
  for (std::int64_t n = 0; n < N; ++n) {
    std::iota(order.begin(), order.end(), 0);
    const double* row = p.data() + n * E;
    for (std::int64_t i = 0; i < E; ++i)  // NaN compares false both ways: no order to pick from
      if (!std::isfinite(row[i]))
        fail("MoE", "the router's probability of expert ", i, " for token ", n, " is ", row[i],
             " (is the input finite?)");
    // Largest first; stable, so equal probabilities keep the lower index first.
    std::stable_sort(order.begin(), order.end(),
                     [row](std::int64_t a, std::int64_t b) { return row[a] > row[b]; });
    chosen.insert(chosen.end(), order.begin(), order.begin() + k);
  }
  return chosen;
}

MoEOutput MoE::forward(const Tensor& x) const {
  const std::int64_t d = options_.d_model, E = options_.experts, k = options_.experts_per_token;
  if (x.dim() < 1 || x.size(-1) != d) fail("MoE", "expects x (..., ", d, "), got ", x.shape());
  const std::int64_t N = numel(Shape(x.shape().begin(), x.shape().end() - 1));
  const Tensor rows = x.reshape({N, d});  // every token is a row

  // The router: logits (N, E), probabilities, and each token's k experts (no gradient: a choice).
  const Tensor logits = gate->forward(rows);
  const Tensor probs = softmax(logits, 1);
  MoEOutput result;
  result.chosen = top_k_indices(probs.detach(), k);

  // The chosen probabilities (N, k), renormalised to sum to 1 per token: the weights.
  const Tensor picked = gather(probs, 1, result.chosen, {N, k});
  const Tensor weights = picked / sum(picked, 1, true);

  // Each expert on its own tokens: gather the rows, run the expert, scale each row by its
  // weight, and add the rows back where they came from.
  Tensor out = zeros({N, d}, x.dtype());
  const Tensor flat_weights = weights.reshape({N * k, 1});  // row n*k + slot
  for (std::int64_t i = 0; i < E; ++i) {
    std::vector<std::int64_t> tokens, slots;  // the tokens routed to expert i, and where
    for (std::int64_t n = 0; n < N; ++n)
      for (std::int64_t s = 0; s < k; ++s)
        if (result.chosen[static_cast<std::size_t>(n * k + s)] == i)
          tokens.push_back(n), slots.push_back(n * k + s);
    if (tokens.empty()) continue;  // dropless, but an expert nobody chose computes nothing
    const Tensor y = experts[static_cast<std::size_t>(i)]->forward(index_select(rows, 0, tokens));
    out = index_add(out, 0, tokens, y * index_select(flat_weights, 0, slots));  // (n_i, d)*(n_i, 1)
  }
  result.out = out.reshape(x.shape());

  result.router_logits = logits;
  result.load.assign(static_cast<std::size_t>(E), 0.0);
  for (std::int64_t c : result.chosen) result.load[static_cast<std::size_t>(c)] += 1.0 / N;
  return result;
}

}  // namespace tg::nn
