// The course's goal, checked small: with every engine piece taken from this build's exercise
// files (course_engine.hpp), training a transformer gives the engine's own numbers.
#include "course_engine.hpp"
#include "exercise_checks.hpp"
#include "layers/optim.hpp"
#include "layers/transformer.hpp"

namespace {
// Two AdamW steps of a small float64 transformer on the next-token loss (one row ignored, as the
// tasks ignore their prompts); returns every parameter afterwards, in order.
std::vector<double> two_steps(const tg::nn::ModelConfig& c) {
  Generator gen(7);
  tg::nn::Transformer model(c, gen);
  tg::optim::AdamW opt(model.parameters(), tg::optim::AdamW::with_decay(0.1));
  const std::int64_t B = 2, T = 6;
  std::vector<std::int64_t> ids, targets;
  for (std::int64_t i = 0; i < B * T; ++i) ids.push_back((i * 5 + 3) % c.vocab_size);
  for (std::int64_t i = 0; i < B * T; ++i)
    targets.push_back(i == 0 ? -100 : (i * 7 + 1) % c.vocab_size);
  for (int step = 0; step < 2; ++step) {
    opt.zero_grad();
    cross_entropy(model.forward(ids, B, T).reshape({B * T, c.vocab_size}), targets, -100)
        .backward();
    opt.step();
  }
  std::vector<double> all;
  for (const Tensor& p : model.parameters()) {
    const std::vector<double> v = p.to_vector();
    all.insert(all.end(), v.begin(), v.end());
  }
  return all;
}

tg::nn::ModelConfig small_config(bool rope, tg::DType dtype) {
  tg::nn::ModelConfig c;
  c.vocab_size = 11, c.hidden_size = 16, c.num_hidden_layers = 2, c.num_attention_heads = 2,
  c.max_position_embeddings = 8;
  c.rope = rope;
  c.bias = !rope;  // learned positions with biases: broadcast adds for ex02 to reduce
  c.dtype = dtype;
  // As train_transformer runs it: the FFN recomputes its hidden layer on a tape of its own, so
  // the learner's walk (ex19) also runs nested inside checkpoint's backward.
  c.ffn_memory = tg::nn::FFNMemory::Recompute;
  return c;
}
}  // namespace

TEST_SUITE("course") {
  TEST_CASE("course: training on the exercises' engine gives the engine's own parameters") {
    // float64 to 1e-10, and float32 (what train_transformer trains in) to float32's rounding.
    for (const auto& [dtype, tol] : {std::pair{float64, 1e-10}, std::pair{float32, 1e-5}})
      for (const bool rope : {false, true}) {
        CAPTURE(dtype_name(dtype));
        CAPTURE(rope);
        const std::vector<double> own = two_steps(small_config(rope, dtype));
        std::vector<double> yours;
        {
          ex::CourseScope mine(ex::course_engine("this build's exercise files"));
          yours = two_steps(small_config(rope, dtype));
        }
        check_values("parameters after two steps",
                     tensor(yours, {static_cast<std::int64_t>(yours.size())}, float64), own, tol);
      }
  }
}
