// The KV cache (Transformer::forward_cached): the logits of tokens fed a few at a time through
// the cache equal the rows of one forward over the whole sequence, for learned positions and for
// RoPE, dense and mixture-of-experts blocks, in float64 and float32; and its errors.
#include <string>

#include "helpers.hpp"
#include "layers/transformer.hpp"
#include "small_model.hpp"

using namespace tg;
using namespace tg::testing;

namespace {

nn::ModelConfig cache_config(bool rope, bool moe, DType dtype) {
  return small_model_config(11, 12, rope, moe, dtype);
}

// Tolerances for the logits, O(1) in size here: the cached path adds the same numbers in another
// order (one query row against the cache instead of a T x T product), so they agree to rounding.
double tolerance(DType dtype) {
  return dtype == float64 ? 1e-12 : 1e-5;
}

}  // namespace

TEST_CASE("KV cache: cached logits equal the full forward's, position by position") {
  const std::vector<std::int64_t> ids{3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8};  // max_seq of them
  for (DType dtype : {float64, float32})
    for (bool rope : {false, true})
      for (bool moe : {false, true}) {
        const std::string name = std::string(rope ? "rope" : "learned") + (moe ? " moe " : " ") +
                                 (dtype == float64 ? "float64" : "float32");
        CAPTURE(name);
        Generator gen(11);
        nn::Transformer model(cache_config(rope, moe, dtype), gen);
        model.eval();
        const auto T = static_cast<std::int64_t>(ids.size());
        const Tensor full = model.forward(ids, 1, T).reshape({T, 11}).detach();  // (T, vocab)
        current_tape().clear();
        // The prompt of 4 tokens in one call, then one token per call, as generation does.
        nn::KVCache cache;
        const std::vector<std::int64_t> prompt(ids.begin(), ids.begin() + 4);
        check_values(name + " prompt", model.forward_cached(prompt, 1, 4, cache).reshape({4, 11}),
                     slice(full, 0, 0, 4), tolerance(dtype));
        CHECK(cache.past == 4);
        for (std::int64_t t = 4; t < T; ++t) {
          const Tensor step = model.forward_cached({ids[static_cast<std::size_t>(t)]}, 1, 1, cache);
          CHECK(step.shape() == Shape{1, 1, 11});
          check_close(name + " position " + std::to_string(t), step.to_vector(),
                      slice(full, 0, t, t + 1).to_vector(), tolerance(dtype), {}, t == T - 1);
        }
        CHECK(cache.past == T);
        CHECK(cache.layers.size() == 2);
        CHECK(cache.layers[0].keys.shape() == Shape{1, 2, T, 8});
        CHECK(cache.layers[1].values.shape() == Shape{1, 2, T, 8});
        CHECK(current_tape().size() == 0);  // nothing recorded, even outside a NoGradGuard
      }
}

TEST_CASE("KV cache: a batch of sequences, and reset starts again") {
  Generator gen(12);
  nn::Transformer model(cache_config(true, false, float64), gen);
  const std::vector<std::int64_t> ids{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};  // (2, 5)
  const Tensor full = model.forward(ids, 2, 5);                        // (2, 5, vocab)
  nn::KVCache cache;
  model.forward_cached({1, 2, 3, 6, 7, 8}, 2, 3, cache);
  model.forward_cached({4, 9}, 2, 1, cache);
  check_values("batch of 2, position 4", model.forward_cached({5, 10}, 2, 1, cache),
               slice(full, 1, 4, 5), 1e-12);
  cache.reset();
  CHECK(cache.past == 0);
  check_values("after reset", model.forward_cached({1, 2}, 1, 2, cache),
               slice(slice(full, 0, 0, 1), 1, 0, 2), 1e-12);
}

TEST_CASE("KV cache: errors name what is wrong") {
  Generator gen(13);
  nn::Transformer model(cache_config(false, false, float64), gen);
  nn::KVCache cache;
  model.forward_cached(std::vector<std::int64_t>(10, 1), 1, 10, cache);
  CHECK(error_of([&] {
          model.forward_cached({1, 2, 3}, 1, 3, cache);
        }) ==
        "Transformer: the KV cache holds 10 positions: 3 more exceed max_position_embeddings 12 "
        "(reset the cache and start again from the last max_position_embeddings tokens)");
  CHECK(cache.past == 10);  // a refused call changes nothing
  CHECK(error_of([&] {
          model.forward_cached({1, 2}, 2, 1, cache);
        }) == "CausalSelfAttention: batch of 2 rows against a cache of 1");
  nn::KVCache other;
  other.layers.resize(3);
  CHECK(error_of([&] { model.forward_cached({1}, 1, 1, other); }) ==
        "Transformer: a KV cache of 3 layers for a model of 2");
  CHECK_ERROR([&] { model.forward_cached({11}, 1, 1, cache); }, "token id 11");
}
