// examples/generate.hpp — continuing a prompt with a trained model: the sampling strategies and
// the generation loop, with or without the KV cache.
//
// Layer: examples (train_transformer's --generate, bench's generate figure, the tests).
//
// Each new token comes from the logits of the last position (vocab,), as in nanoGPT's sample.py
// and llama2.c's run.c:
//   temperature 0: greedy, the most likely token (argmax; ties go to the lower id).
//   otherwise: p = softmax(logits / temperature), then
//     top-k (k >= 1): keep the k most likely tokens (ties to the lower id), renormalise;
//     top-p (0 < p <= 1, "nucleus"): keep the smallest set of most likely tokens whose mass
//       reaches p, renormalise (Holtzman et al., 2019; run.c's sample_topp);
//   and draw one token from what is left with one uniform number u in [0, 1): the first id
//   whose running sum of probabilities exceeds u, counting in id order.
// The same seed gives the same draws, so the same text.
//
// The context is the last max_seq tokens. Without the cache every token costs a forward over
// the whole context; with it (nn::KVCache) the prompt is run once and then one token per step.
// When the sequence outgrows max_seq the cache is refilled from the last max_seq tokens at every
// step, exactly the window the uncached loop uses, so both give the same tokens (and past
// max_seq the cache saves nothing).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/random.hpp"
#include "core/tensor.hpp"
#include "layers/transformer.hpp"

namespace tg::generation {

struct SamplingOptions {
  double temperature = 0;  // 0 = greedy; top_k and top_p apply only when > 0
  std::int64_t top_k = 0;  // 0 = off (the flag refuses 0); larger than the vocabulary: all kept
  double top_p = 1.0;      // 1 = off; in (0, 1]
};

// Keeps the k largest of the probabilities p (ties to the lower index) and renormalises them
// to sum 1; the rest become 0. k >= the number of entries keeps everything (nanoGPT clamps k to
// the vocabulary); k < 1 throws tg::Error.
void keep_top_k(std::vector<double>& p, std::int64_t k);

// Keeps the smallest set of the largest probabilities whose sum reaches top_p (taken in order of
// decreasing probability, ties to the lower index) and renormalises them; the rest become 0.
// top_p = 1 keeps everything; top_p outside (0, 1] throws tg::Error.
void keep_top_p(std::vector<double>& p, double top_p);

// The next token for the logits of one position, (vocab,) or (1, vocab), as the comment at the
// top of this file says; draws one uniform number from gen unless greedy. Throws tg::Error when
// the temperature is negative, NaN or infinite, a logit is not finite, or top_k / top_p are out
// of range (keep_top_k, keep_top_p).
std::int64_t next_token(const Tensor& logits, const SamplingOptions& options, Generator& gen);

// Continues ids (the prompt, at least one token) by max_new tokens; returns only the new ones.
// on_token, when given, is called with each new token as soon as it is chosen (to stream it).
// kv_cache false recomputes the whole context for each token. Runs without recording. Throws
// tg::Error for an empty prompt, an id outside the model's vocabulary (Transformer::forward), or
// what next_token throws.
std::vector<std::int64_t> generate(nn::Transformer& model, std::vector<std::int64_t> ids,
                                   std::int64_t max_new, const SamplingOptions& options,
                                   bool kv_cache, Generator& gen,
                                   const std::function<void(std::int64_t)>& on_token = {});

}  // namespace tg::generation
