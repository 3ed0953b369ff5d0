// layers/ffn.cpp — see ffn.hpp.
#include "layers/ffn.hpp"

#include "activations/glu.hpp"
#include "core/checkpoint.hpp"
#include "core/error.hpp"
#include "core/fast/switch.hpp"
#include "core/ops.hpp"
#include "layers/dropout.hpp"

namespace tg::nn {

namespace {

// The hidden layer with dropout's mask applied (mask undefined: no dropout). The mask is drawn
// once per forward (FFN::dropout_mask_for), so a recomputation uses the same one.
Tensor dropped(const Tensor& h, const Tensor& mask) {
  return mask.defined() ? h * mask : h;
}

// The FFN kinds, one row each and nowhere else: the name (for flags and configs), whether the
// hidden layer is gated, and the activation (a kind of core/activation_math.hpp's table).
struct KindInfo {
  FFNKind kind;
  const char* name;
  bool gated;
  GateActivation act;  // the activation, of the hidden layer or of the gate
};

constexpr KindInfo kKinds[] = {
    {FFNKind::ReLU, "relu", false, GateActivation::ReLU},
    {FFNKind::GELU, "gelu", false, GateActivation::GELU},
    {FFNKind::Swish, "swish", false, GateActivation::Swish},
    {FFNKind::GLU, "glu", true, GateActivation::Sigmoid},
    {FFNKind::Bilinear, "bilinear", true, GateActivation::Identity},
    {FFNKind::ReGLU, "reglu", true, GateActivation::ReLU},
    {FFNKind::GEGLU, "geglu", true, GateActivation::GELU},
    {FFNKind::SwiGLU, "swiglu", true, GateActivation::Swish},
};

const KindInfo& info(FFNKind kind) {
  for (const KindInfo& k : kKinds)
    if (k.kind == kind) return k;
  fail("FFN", "unknown kind");
}

}  // namespace

const char* ffn_kind_name(FFNKind kind) {
  return info(kind).name;
}
std::vector<std::string> ffn_kind_names() {
  std::vector<std::string> names;
  for (const KindInfo& k : kKinds) names.emplace_back(k.name);
  return names;
}
bool is_gated(FFNKind kind) {
  return info(kind).gated;
}

FFNKind parse_ffn_kind(const std::string& name) {
  std::string valid;
  for (const KindInfo& k : kKinds) {
    if (name == k.name) return k.kind;
    valid += valid.empty() ? "" : ", ";
    valid += k.name;
  }
  fail("ffn", "unknown variant '", name, "' (valid: ", valid, ")");
}

std::int64_t llama_hidden_size(std::int64_t d_model, std::int64_t multiple_of) {
  if (d_model <= 0 || multiple_of <= 0)
    fail("llama_hidden_size", "needs positive d_model and multiple_of, got ", d_model, " and ",
         multiple_of);
  const std::int64_t h = 2 * (4 * d_model) / 3;  // integer division, as int() in Llama's code
  return multiple_of * ((h + multiple_of - 1) / multiple_of);
}

FFN::FFN(const FFNOptions& options, Generator& gen)
    : options_(options),
      dropout_gen_(
          register_generator("dropout", static_cast<std::uint64_t>(gen.integer(INT64_MAX)))) {
  const KindInfo& k = info(options.kind);
  const std::int64_t d = options.d_model;
  if (d <= 0) fail("FFN", "d_model must be positive, got ", d);
  if (options.merged_gate_up && !k.gated)
    fail("FFN", "merged_gate_up applies to gated variants only, not '", k.name, "'");
  if (!(options.dropout >= 0 && options.dropout < 1))
    fail("FFN", "dropout must be in [0, 1), got ", options.dropout);
  hidden_ = ffn_cost(options).hidden;
  const bool b = options.bias;
  const DType dt = options.dtype;
  if (!k.gated) {
    up_proj = register_module("up_proj", std::make_shared<Linear>(d, hidden_, gen, b, dt));
  } else if (options.merged_gate_up) {
    gate_up_proj =
        register_module("gate_up_proj", std::make_shared<Linear>(d, 2 * hidden_, gen, b, dt));
  } else {
    gate_proj = register_module("gate_proj", std::make_shared<Linear>(d, hidden_, gen, b, dt));
    up_proj = register_module("up_proj", std::make_shared<Linear>(d, hidden_, gen, b, dt));
  }
  down_proj = register_module("down_proj", std::make_shared<Linear>(hidden_, d, gen, b, dt));
}

std::int64_t FFN::matmul_flops_per_token() const {
  return ffn_cost(options_).flops_per_token;
}

FFNCost ffn_cost(const FFNOptions& options) {
  const bool gated = is_gated(options.kind);
  const std::int64_t d = options.d_model;
  FFNCost c;
  c.hidden = options.hidden > 0 ? options.hidden
             : gated            ? llama_hidden_size(d, options.multiple_of)
                                : 4 * d;
  const std::int64_t matrices = gated ? 3 : 2;
  // weights; biases: hidden per up (and gate) projection, d for the down projection
  c.params = matrices * d * c.hidden + (options.bias ? (matrices - 1) * c.hidden + d : 0);
  c.flops_per_token = 2 * matrices * d * c.hidden;
  return c;
}

// The hidden layer h(x), (..., d) -> (..., h), from the kind's row above (Shazeer 2020, "GLU
// Variants Improve Transformer"; Llama's SwiGLU is w2(silu(w1 x) * w3 x), w1 = gate_proj,
// w3 = up_proj). gated(gate, value, act) is act(gate) * value as one op (activations/glu.cpp).
Tensor FFN::hidden(const Tensor& x) const {
  const KindInfo& k = info(options_.kind);
  if (options_.merged_gate_up)  // one d -> 2h product, gate half first, then the value half
    return gated_halves(gate_up_proj->forward(x), k.act, -1, HalfOrder::GateFirst);
  if (k.gated)  // act(xW) * xV: sigmoid(xW) * xV for GLU, ..., silu(xW) * xV for SwiGLU
    return gated(gate_proj->forward(x), up_proj->forward(x), k.act);
  return gate_activation_op(k.act, up_proj->forward(x));  // act(xW): relu, gelu or silu
}

// FFN(x) = down_proj(dropout(hidden(x))): the formula, as Hugging Face's LlamaMLP.forward
// writes it, and what the default FFNMemory::Keep runs.
Tensor FFN::forward(const Tensor& x) {
  if (x.dim() < 1 || x.size(-1) != options_.d_model)
    fail("FFN", "expects (..., ", options_.d_model, "), got ", x.shape());
  const Tensor mask = dropout_mask_for(x);
  if (options_.memory != FFNMemory::Keep) return forward_saving_memory(x, mask);
  const Tensor h = hidden(x);
  return down_proj->forward(dropped(h, mask));
}

Tensor FFN::dropout_mask_for(const Tensor& x) {
  if (!is_training() || options_.dropout == 0) return Tensor();
  Shape hidden_shape = x.shape();
  hidden_shape.back() = hidden_;
  return dropout_mask(hidden_shape, options_.dropout, *dropout_gen_, x.dtype());
}

// The opt-in memory choices: the same numbers as forward's formula, with less of it on the tape.
Tensor FFN::forward_saving_memory(const Tensor& x, const Tensor& mask) {
  if (options_.memory == FFNMemory::Recompute) return down_recomputing_hidden(x, mask);
  // Checkpoint: runs again in backward, so keep the module alive (and unchanged) until then.
  return checkpoint(
      [this, mask](const std::vector<Tensor>& in) {
        const Tensor h = hidden(in[0]);
        return down_proj->forward(dropped(h, mask));
      },
      {x}, parameters());
}

// FFNMemory::Recompute: down(act(a) * b), with a = gate(x), b = up(x) (or down(act(a)) for the
// plain kinds), keeping a and b but not the hidden layer, which backward computes again from them.
// Written as checkpoint() around the activation and down_proj; with the fast floor on and no
// dropout, as one fused op (core/fast/activated_linear.hpp) that computes the same numbers.
Tensor FFN::down_recomputing_hidden(const Tensor& x, const Tensor& mask) const {
  const KindInfo& k = info(options_.kind);
  // (The functions below run again in backward, after this call has returned, perhaps after
  // the module is gone: they capture what they use by value, the weights as tensor handles.)
  const GateActivation act = k.act;
  const Tensor w = down_proj->weight, bias = down_proj->bias;
  if (options_.merged_gate_up) {  // the halves of one tensor: recompute from it
    return checkpoint(
        [w, bias, act, mask](const std::vector<Tensor>& in) {
          const Tensor h = gated_halves(in[0], act, -1, HalfOrder::GateFirst);
          return linear(dropped(h, mask), w, bias);
        },
        {gate_up_proj->forward(x)}, down_proj->parameters());
  }
  const Tensor a = k.gated ? gate_proj->forward(x) : up_proj->forward(x);
  const Tensor b = k.gated ? up_proj->forward(x) : Tensor();
  const bool is_gated = k.gated;
  if (fast::enabled() && !mask.defined()) {
    // What create_graph differentiates instead of the fast backward (tape.hpp): the layer as
    // ops, from activated_linear's inputs (a, b if gated, w, bias if any). gated is twice
    // differentiable as it is (activations/glu.hpp), and runs the fast floor's loops.
    auto composite = [act, is_gated, has_bias = bias.defined()](const std::vector<Tensor>& in) {
      const Tensor h = is_gated ? gated(in[0], in[1], act) : gate_activation_op(act, in[0]);
      const std::size_t w_at = is_gated ? 2 : 1;
      return linear(h, in[w_at], has_bias ? in[w_at + 1] : Tensor());
    };
    return fast::activated_linear(a, b, w, bias, act, composite);
  }
  return checkpoint(
      [w, bias, act, mask, is_gated](const std::vector<Tensor>& in) {
        const Tensor h = is_gated ? gated(in[0], in[1], act) : gate_activation_op(act, in[0]);
        return linear(dropped(h, mask), w, bias);
      },
      is_gated ? std::vector<Tensor>{a, b} : std::vector<Tensor>{a}, down_proj->parameters());
}

}  // namespace tg::nn
