// Generation (examples/generate.hpp): the KV cache changes no token, top-k and top-p keep what
// they should, and a seed fixes the text.
#include <string>

#include "generate.hpp"
#include "helpers.hpp"
#include "layers/transformer.hpp"
#include "small_model.hpp"

using namespace tg;
using namespace tg::testing;

namespace {

nn::Transformer model_for(bool rope, bool moe, DType dtype) {
  const nn::ModelConfig c = small_model_config(13, 10, rope, moe, dtype);
  Generator gen(21);
  nn::Transformer model(c, gen);
  model.eval();
  return model;
}

}  // namespace

TEST_CASE("generate: greedy tokens with the KV cache are those without it") {
  // 25 new tokens after a prompt of 3 with max_seq 10: the window slides past max_seq too.
  for (DType dtype : {float64, float32})
    for (bool rope : {false, true})
      for (bool moe : {false, true}) {
        CAPTURE(rope);
        CAPTURE(moe);
        CAPTURE(dtype == float64);
        nn::Transformer model = model_for(rope, moe, dtype);
        Generator a(0), b(0);
        const generation::SamplingOptions greedy;
        const auto cached = generation::generate(model, {1, 2, 3}, 25, greedy, true, a);
        const auto uncached = generation::generate(model, {1, 2, 3}, 25, greedy, false, b);
        CHECK(cached == uncached);
        CHECK(cached.size() == 25);
      }
}

TEST_CASE("generate: a seed fixes the sampled tokens, with or without the cache") {
  nn::Transformer model = model_for(true, false, float64);
  generation::SamplingOptions sampling;
  sampling.temperature = 1.0;
  sampling.top_k = 8;
  sampling.top_p = 0.9;
  auto run = [&](std::uint64_t seed, bool kv_cache) {
    Generator gen(seed);
    return generation::generate(model, {4}, 30, sampling, kv_cache, gen);
  };
  CHECK(run(7, true) == run(7, true));
  CHECK(run(7, true) == run(7, false));
  CHECK(run(7, true) != run(8, true));
  std::vector<std::int64_t> streamed;
  Generator gen(7);
  const auto out = generation::generate(model, {4}, 30, sampling, true, gen,
                                        [&](std::int64_t id) { streamed.push_back(id); });
  CHECK(streamed == out);
}

TEST_CASE("generate: top-k 1 is greedy, whatever the temperature") {
  nn::Transformer model = model_for(false, false, float32);
  generation::SamplingOptions top1;
  top1.temperature = 2.0;
  top1.top_k = 1;
  Generator a(3), b(3);
  CHECK(generation::generate(model, {5, 6}, 20, top1, true, a) ==
        generation::generate(model, {5, 6}, 20, {}, true, b));
}

TEST_CASE("top-k keeps the k most likely, renormalised") {
  const std::vector<double> p{0.1, 0.4, 0.05, 0.3, 0.15};
  std::vector<double> q = p;
  generation::keep_top_k(q, 2);
  check_close("top-2", q, {0, 0.4 / 0.7, 0, 0.3 / 0.7, 0}, 1e-15);
  q = p;
  generation::keep_top_k(q, 5);
  CHECK(q == p);  // all kept: unchanged, bit for bit
  generation::keep_top_k(q, 100);
  CHECK(q == p);  // more than the vocabulary: clamped, as nanoGPT does
  std::vector<double> ties{0.25, 0.25, 0.25, 0.25};
  generation::keep_top_k(ties, 1);
  CHECK(ties == std::vector<double>{1, 0, 0, 0});  // ties go to the lower id
  CHECK(error_of([&] { generation::keep_top_k(q, 0); }) == "top-k: k must be at least 1, got 0");
}

TEST_CASE("top-p keeps the smallest set whose mass reaches p") {
  // Sorted: 0.4 (id 1), 0.3 (id 3), 0.15 (id 4), 0.1 (id 0), 0.05 (id 2).
  const std::vector<double> p{0.1, 0.4, 0.05, 0.3, 0.15};
  auto kept = [&](double top_p) {
    std::vector<double> q = p;
    generation::keep_top_p(q, top_p);
    return q;
  };
  check_close("top-p 0.4", kept(0.4), {0, 1, 0, 0, 0}, 0);  // 0.4 alone reaches 0.4
  check_close("top-p 0.3", kept(0.3), {0, 1, 0, 0, 0}, 0);
  check_close("top-p 0.6", kept(0.6), {0, 0.4 / 0.7, 0, 0.3 / 0.7, 0}, 1e-15);
  check_close("top-p 0.8", kept(0.8), {0, 0.4 / 0.85, 0, 0.3 / 0.85, 0.15 / 0.85}, 1e-15);
  CHECK(kept(1.0) == p);
  std::vector<double> ties{0.25, 0.25, 0.25, 0.25};
  generation::keep_top_p(ties, 0.5);
  CHECK(ties == std::vector<double>{0.5, 0.5, 0, 0});
  std::vector<double> q = p;
  CHECK(error_of([&] { generation::keep_top_p(q, 0); }) == "top-p: p must be in (0, 1], got 0");
  CHECK(error_of([&] { generation::keep_top_p(q, 1.5); }) == "top-p: p must be in (0, 1], got 1.5");
}

TEST_CASE("next_token draws only what top-k and top-p kept") {
  // logits whose softmax is about 0.64, 0.24, 0.09, 0.03 at ids 2, 0, 3, 1.
  const Tensor logits = tensor({1.0, -1.0, 2.0, 0.0}, {4});
  generation::SamplingOptions o;
  o.temperature = 1.0;
  o.top_p = 0.7;  // ids 2 and 0 (0.64 + 0.24 >= 0.7)
  Generator gen(5);
  std::vector<int> seen(4, 0);
  for (int i = 0; i < 400; ++i)
    ++seen[static_cast<std::size_t>(generation::next_token(logits, o, gen))];
  CHECK(seen[1] == 0);
  CHECK(seen[3] == 0);
  CHECK(seen[0] > 50);
  CHECK(seen[2] > 200);
  o.top_p = 1.0;
  o.top_k = 1;
  CHECK(generation::next_token(logits, o, gen) == 2);
  o.temperature = 0;  // greedy
  CHECK(generation::next_token(logits, o, gen) == 2);
  // A tiny temperature is greedy in the limit: logits / T would overflow to inf and p to NaN;
  // with the largest logit subtracted first it picks the largest.
  o.top_k = 0;
  o.temperature = 1e-308;
  CHECK(generation::next_token(logits, o, gen) == 2);
  CHECK(generation::next_token(tensor({-5.0, 7.0, 6.999}, {3}), o, gen) == 1);
  o.temperature = 1;
  CHECK_ERROR(
      [&] {
        generation::next_token(tensor({1.0, NAN, 0.0}, {3}), o, gen);
      },
      "a logit is nan");
}

TEST_CASE("next_token refuses a negative, NaN or infinite temperature, naming it") {
  // T = -1 used to pick the least likely token, T = NaN always the last id (issue 25).
  Generator gen(4);
  const Tensor logits = tensor({0.0, 3.0, 9.0, 1.0}, {4});
  for (double t : {-1.0, -1e-300, double(NAN), double(INFINITY), -double(INFINITY)}) {
    CAPTURE(t);
    generation::SamplingOptions o;
    o.temperature = t;
    const Thrown error = thrown_by([&] { generation::next_token(logits, o, gen); });
    CHECK_ERROR_STARTS(error,
                       "generate: temperature must be a finite number >= 0 (0 = greedy), got ");
    // and the whole loop, which draws through next_token
    nn::Transformer model = model_for(false, false, float64);
    CHECK(error_of([&] { generation::generate(model, {1, 2}, 3, o, true, gen); }) == error.message);
  }
}
