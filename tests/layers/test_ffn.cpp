// The FFN block: hidden-size rule, parameter counts, every variant's gradients, the merged
// projection, each memory choice, dropout.
#include "helpers.hpp"
#include "layers/layers.hpp"

using namespace tg;
using namespace tg::testing;

namespace {
const std::vector<nn::FFNKind> kAllKinds = {
    nn::FFNKind::ReLU,     nn::FFNKind::GELU,  nn::FFNKind::Swish, nn::FFNKind::GLU,
    nn::FFNKind::Bilinear, nn::FFNKind::ReGLU, nn::FFNKind::GEGLU, nn::FFNKind::SwiGLU};

nn::FFNOptions small(nn::FFNKind kind) {
  nn::FFNOptions o;
  o.d_model = 4;
  o.kind = kind;
  o.hidden = 6;
  o.dtype = float64;
  return o;
}
}  // namespace

TEST_CASE("the Llama hidden-size rule: 2/3 of 4d, rounded up to multiple_of") {
  CHECK(nn::llama_hidden_size(512, 256) == 1536);    // floor(1365.3) = 1365 -> 1536
  CHECK(nn::llama_hidden_size(4096, 256) == 11008);  // Llama 7B
  CHECK(nn::llama_hidden_size(64, 16) == 176);       // floor(170.7) = 170 -> 176
  CHECK(nn::llama_hidden_size(3, 1) == 8);
  CHECK_ERROR_STARTS([] { nn::llama_hidden_size(0, 16); }, "llama_hidden_size");
}

TEST_CASE("parameter counts equal the closed-form formulas") {
  // Non-gated: 2 d h (+ h + d biases). Gated: 3 d h (+ 2h + d biases).
  for (nn::FFNKind kind : kAllKinds)
    for (bool bias : {false, true}) {
      CAPTURE(nn::ffn_kind_name(kind));
      CAPTURE(bias);
      nn::FFNOptions o;
      o.d_model = 64;
      o.kind = kind;
      o.multiple_of = 16;
      o.bias = bias;
      Generator gen(1);
      nn::FFN ffn(o, gen);
      const std::int64_t d = 64;
      const bool gated = nn::is_gated(kind);
      const std::int64_t h = gated ? 176 : 256;
      CHECK(ffn.intermediate_size() == h);
      const std::int64_t expected =
          gated ? 3 * d * h + (bias ? 2 * h + d : 0) : 2 * d * h + (bias ? h + d : 0);
      CHECK(ffn.num_parameters() == expected);
      CHECK(ffn.matmul_flops_per_token() == 2 * (gated ? 3 : 2) * d * h);
      if (gated) {
        o.merged_gate_up = true;
        Generator gen2(1);
        CHECK(nn::FFN(o, gen2).num_parameters() == expected);
      }
    }
}

TEST_CASE("gradcheck: every FFN variant, bias and not, merged and not, each memory choice") {
  for (nn::FFNKind kind : kAllKinds)
    for (bool bias : {false, true})
      for (bool merged : {false, true})
        for (nn::FFNMemory memory :
             {nn::FFNMemory::Keep, nn::FFNMemory::Recompute, nn::FFNMemory::Checkpoint}) {
          if (merged && !nn::is_gated(kind)) continue;
          CAPTURE(nn::ffn_kind_name(kind));
          CAPTURE(bias);
          CAPTURE(merged);
          CAPTURE(static_cast<int>(memory));
          nn::FFNOptions o = small(kind);
          o.bias = bias;
          o.merged_gate_up = merged;
          o.memory = memory;
          Generator gen(2);
          nn::FFN ffn(o, gen);
          const Tensor x = random_var({2, 3, 4}, 111);
          check_param_gradients([&] { return ffn(x); }, params_and(ffn, {x}));
        }
}

TEST_CASE("the merged gate_up projection equals separate gate and up projections") {
  for (nn::FFNKind kind : {nn::FFNKind::GLU, nn::FFNKind::GEGLU, nn::FFNKind::SwiGLU}) {
    CAPTURE(nn::ffn_kind_name(kind));
    Generator g1(3), g2(3);
    nn::FFNOptions o = small(kind);
    o.bias = true;
    nn::FFN separate(o, g1);
    o.merged_gate_up = true;
    nn::FFN merged(o, g2);
    {  // gate_up_proj's rows (and bias entries): the gate's h first, then the value's
      NoGradGuard no_grad;
      merged.load_state_dict(
          {{"gate_up_proj.weight",
            concat({separate.gate_proj->weight, separate.up_proj->weight}, 0)},
           {"gate_up_proj.bias", concat({separate.gate_proj->bias, separate.up_proj->bias}, 0)},
           {"down_proj.weight", separate.down_proj->weight},
           {"down_proj.bias", separate.down_proj->bias}});
    }
    Tensor x1 = random_var({5, 4}, 112), x2 = random_var({5, 4}, 112);
    const Tensor y1 = separate(x1), y2 = merged(x2);
    check_values(y2, y1.to_vector(), 1e-13);
    y1.sum().backward();
    y2.sum().backward();
    check_values(x2.grad(), x1.grad().to_vector(), 1e-13);
    check_values(merged.down_proj->weight.grad(), separate.down_proj->weight.grad().to_vector(),
                 1e-13);
    const Tensor stacked_grad =
        concat({separate.gate_proj->weight.grad(), separate.up_proj->weight.grad()}, 0);
    check_values(merged.gate_up_proj->weight.grad(), stacked_grad.to_vector(), 1e-13);
  }
}

TEST_CASE("checkpointing: same values and gradients, one record on the tape instead of many") {
  for (nn::FFNKind kind : {nn::FFNKind::GELU, nn::FFNKind::SwiGLU}) {
    CAPTURE(nn::ffn_kind_name(kind));
    nn::FFNOptions o = small(kind);
    o.dropout = 0.3;  // the mask must be the same in the recomputation
    Generator g1(4), g2(4);
    o.memory = nn::FFNMemory::Keep;
    nn::FFN plain(o, g1);
    o.memory = nn::FFNMemory::Checkpoint;
    nn::FFN checkpointed(o, g2);
    Tensor x1 = random_var({8, 4}, 113), x2 = random_var({8, 4}, 113);
    current_tape().clear();
    const Tensor y1 = plain(x1);
    const std::size_t plain_records = current_tape().size();
    const Tensor y2 = checkpointed(x2);
    const std::size_t checkpoint_records = current_tape().size() - plain_records;
    CHECK(checkpoint_records == 1);
    CHECK(plain_records >= 3);
    check_values(y2, y1.to_vector(), 1e-14);
    y1.sum().backward();
    y2.sum().backward();
    check_values(x2.grad(), x1.grad().to_vector(), 1e-14);
    const auto p1 = plain.parameters(), p2 = checkpointed.parameters();
    for (std::size_t i = 0; i < p1.size(); ++i)
      check_values(p2[i].grad(), p1[i].grad().to_vector(), 1e-14);
  }
}

TEST_CASE("FFN dropout is active in training only") {
  nn::FFNOptions o = small(nn::FFNKind::ReLU);
  o.dropout = 0.5;
  Generator gen(5);
  nn::FFN ffn(o, gen);
  const Tensor x = random_var({4, 4}, 114);
  ffn.eval();
  const std::vector<double> a = ffn(x).to_vector(), b = ffn(x).to_vector();
  CHECK(a == b);
  ffn.train();
  CHECK(ffn(x).to_vector() != ffn(x).to_vector());
  current_tape().clear();
}

TEST_CASE("FFN rejects bad options and inputs") {
  Generator gen(6);
  nn::FFNOptions o = small(nn::FFNKind::GELU);
  o.merged_gate_up = true;
  CHECK(error_of([&] { nn::FFN(o, gen); }) ==
        "FFN: merged_gate_up applies to gated variants only, not 'gelu'");
  o.merged_gate_up = false;
  nn::FFN ffn(o, gen);
  CHECK(error_of([&] { ffn(zeros({2, 5}, float64)); }) == "FFN: expects (..., 4), got (2,5)");
  CHECK(error_of([] { nn::parse_ffn_kind("swiglu2"); }) ==
        "ffn: unknown variant 'swiglu2' (valid: relu, gelu, swish, glu, bilinear, reglu, geglu, "
        "swiglu)");
  CHECK(nn::parse_ffn_kind("geglu") == nn::FFNKind::GEGLU);
}

TEST_CASE("an FFN's output can be differentiated after the module is gone (Keep and Recompute)") {
  // Recompute's backward runs the activation and down projection again: it must hold the weights
  // itself, not reach back into the module (ASan catches a use after free here).
  for (nn::FFNMemory memory : {nn::FFNMemory::Keep, nn::FFNMemory::Recompute})
    for (nn::FFNKind kind : {nn::FFNKind::SwiGLU, nn::FFNKind::GELU}) {
      const Tensor x = random_var({2, 3, 4}, 121);
      Tensor y, y_alive;
      nn::FFNOptions o = small(kind);
      o.memory = memory;
      {
        Generator gen(7);
        nn::FFN ffn(o, gen);
        y = ffn(x);
      }
      y.sum().backward();
      const std::vector<double> gone = x.grad().to_vector();
      x.zero_grad();
      Generator gen(7);
      nn::FFN ffn(o, gen);
      ffn(x).sum().backward();
      check_values(x.grad(), gone, 0);
    }
}

TEST_CASE("ffn_cost counts what an FFN holds, by arithmetic") {
  // ffn_params printed its counts by building real modules: --d 8192 took 72-94 s and 2.4 GB
  // (issue 26). ffn_cost is arithmetic; here it equals the real modules, every kind, with and
  // without biases, merged or not, with a given hidden size or Llama's rule.
  for (const char* name : {"relu", "gelu", "swish", "glu", "bilinear", "reglu", "geglu", "swiglu"})
    for (bool bias : {false, true})
      for (std::int64_t hidden : {0, 20})
        for (std::int64_t d : {8, 24}) {
          CAPTURE(name);
          CAPTURE(bias);
          CAPTURE(hidden);
          CAPTURE(d);
          nn::FFNOptions o;
          o.d_model = d, o.kind = nn::parse_ffn_kind(name), o.bias = bias, o.hidden = hidden;
          o.multiple_of = 16;
          o.merged_gate_up = nn::is_gated(o.kind) && d == 24;
          Generator gen(1);
          const nn::FFN ffn(o, gen);
          const nn::FFNCost cost = nn::ffn_cost(o);
          CHECK(cost.hidden == ffn.intermediate_size());
          CHECK(cost.params == ffn.num_parameters());
          CHECK(cost.flops_per_token == ffn.matmul_flops_per_token());
        }
}
