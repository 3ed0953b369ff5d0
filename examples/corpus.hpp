// examples/corpus.hpp — an English-like corpus generated in code, for language-modelling
// experiments that need no download.
//
// Layer: examples. A small stochastic grammar writes sentences such as
//   "the old cat sees two red boxes today. my friends like the dog. three plus four is seven."
// with subject-verb agreement (a plural subject takes "like", a singular one "likes"), adjective
// and adverb choices, and small sums spelled out in words. A model can lower its loss by learning
// spelling, word order, agreement across a few words, and the sums: several levels of structure,
// so differences between architectures show in the held-out loss instead of every variant
// reaching 100% as on the synthetic tasks. The same seed always writes the same text.
#pragma once

#include <cstdint>
#include <string>

namespace tg::corpus {

// About `chars` characters of generated text (whole sentences), from `seed`.
std::string generate(std::int64_t chars, std::uint64_t seed);

}  // namespace tg::corpus
