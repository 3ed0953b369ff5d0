// examples/generate.cpp — see generate.hpp.
#include "generate.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.hpp"
#include "core/ops.hpp"
#include "core/tape.hpp"

namespace tg::generation {

namespace {

// The indices of p from the most to the least likely, ties to the lower index.
std::vector<std::size_t> by_probability(const std::vector<double>& p) {
  std::vector<std::size_t> order(p.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return p[a] > p[b]; });
  return order;
}

// Keeps the first n indices of order, zeroes the rest, and renormalises what is kept.
void keep_first(std::vector<double>& p, const std::vector<std::size_t>& order, std::size_t n) {
  if (n >= p.size()) return;  // nothing removed: p stays exactly as it was
  double kept = 0;
  for (std::size_t i = 0; i < n; ++i) kept += p[order[i]];
  for (std::size_t i = n; i < order.size(); ++i) p[order[i]] = 0;
  for (std::size_t i = 0; i < n; ++i) p[order[i]] /= kept;
}

}  // namespace

void keep_top_k(std::vector<double>& p, std::int64_t k) {
  if (k < 1) fail("top-k", "k must be at least 1, got ", k);
  keep_first(p, by_probability(p), static_cast<std::size_t>(k));
}

void keep_top_p(std::vector<double>& p, double top_p) {
  if (!(top_p > 0 && top_p <= 1)) fail("top-p", "p must be in (0, 1], got ", top_p);
  if (top_p == 1) return;
  const std::vector<std::size_t> order = by_probability(p);
  double mass = 0;
  std::size_t n = 0;  // the smallest n whose n most likely tokens carry mass >= top_p
  while (n < order.size() && mass < top_p) mass += p[order[n++]];
  keep_first(p, order, n);
}

std::int64_t next_token(const Tensor& logits, const SamplingOptions& options, Generator& gen) {
  // A negative temperature would favour the least likely tokens, and NaN would make every
  // probability NaN (the draw then fell through to the last id): both refused, as Hugging Face's
  // generate refuses a temperature that is not a positive number. 0 means greedy.
  if (!(options.temperature >= 0 && std::isfinite(options.temperature)))
    fail("generate", "temperature must be a finite number >= 0 (0 = greedy), got ",
         options.temperature);
  const Tensor row = logits.reshape({1, logits.numel()});  // (1, vocab)
  if (options.temperature == 0) return argmax(row, 1)[0];
  // p = softmax(logits / T), with the largest logit subtracted first: (l - max) / T <= 0, so
  // exp never overflows, however small T is (1e-308 would turn logits / T into inf and p into NaN).
  std::vector<double> p = row.to(float64).to_vector();
  for (double l : p)
    if (!std::isfinite(l)) fail("generate", "a logit is ", l, ": the model's output is not finite");
  const double top = *std::max_element(p.begin(), p.end());
  double sum = 0;
  for (double& l : p) sum += l = std::exp((l - top) / options.temperature);
  for (double& x : p) x /= sum;
  if (options.top_k > 0) keep_top_k(p, options.top_k);
  keep_top_p(p, options.top_p);
  // Inverse transform sampling: the first id whose running sum exceeds u.
  const double u = gen.uniform();
  double running = 0;
  for (std::size_t id = 0; id < p.size(); ++id)
    if ((running += p[id]) > u) return static_cast<std::int64_t>(id);
  // Rounding left the sum just below u: the last token that can be drawn.
  std::size_t last = p.size() - 1;
  while (last > 0 && p[last] == 0) --last;
  return static_cast<std::int64_t>(last);
}

std::vector<std::int64_t> generate(nn::Transformer& model, std::vector<std::int64_t> ids,
                                   std::int64_t max_new, const SamplingOptions& options,
                                   bool kv_cache, Generator& gen,
                                   const std::function<void(std::int64_t)>& on_token) {
  if (ids.empty()) fail("generate", "needs a prompt of at least one token");
  NoGradGuard no_grad;
  const std::int64_t max_seq = model.config().max_position_embeddings,
                     vocab = model.config().vocab_size;
  // The last max_seq tokens of ids: the context the model sees.
  auto window = [&] {
    const std::size_t from = ids.size() > static_cast<std::size_t>(max_seq)
                                 ? ids.size() - static_cast<std::size_t>(max_seq)
                                 : 0;
    return std::vector<std::int64_t>(ids.begin() + static_cast<std::ptrdiff_t>(from), ids.end());
  };
  // The logits (vocab,) for the position after the last of ids.
  nn::KVCache cache;
  auto last_logits = [&](bool first) {
    Tensor logits;  // (1, T, vocab)
    if (kv_cache && !first && cache.past < max_seq) {
      logits = model.forward_cached({ids.back()}, 1, 1, cache);  // one new token
    } else {
      const std::vector<std::int64_t> context = window();
      const auto T = static_cast<std::int64_t>(context.size());
      if (kv_cache) {  // the prompt, or the window slid by one: fill the cache afresh
        cache.reset();
        logits = model.forward_cached(context, 1, T, cache);
      } else {
        logits = model.forward(context, 1, T);
      }
    }
    const std::int64_t T = logits.size(1);
    return slice(logits.reshape({T, vocab}), 0, T - 1, T);  // (1, vocab)
  };
  std::vector<std::int64_t> out;
  for (std::int64_t n = 0; n < max_new; ++n) {
    const std::int64_t next = next_token(last_logits(n == 0), options, gen);
    ids.push_back(next);
    out.push_back(next);
    if (on_token) on_token(next);
  }
  return out;
}

}  // namespace tg::generation
