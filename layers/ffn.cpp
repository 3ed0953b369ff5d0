// layers/ffn.cpp — see ffn.hpp.
#include "layers/ffn.hpp"

#include "activations/activated_linear.hpp"
#include "activations/activations.hpp"
#include "activations/glu.hpp"
#include "core/checkpoint.hpp"
#include "core/error.hpp"
#include "core/ops.hpp"
#include "layers/dropout.hpp"

namespace tg::nn {

namespace {

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

// The non-gated hidden activation.
Tensor activate(GateActivation act, const Tensor& h) {
  switch (act) {
    case GateActivation::ReLU:
      return relu(h);
    case GateActivation::GELU:
      return gelu(h);
    case GateActivation::Swish:
      return silu(h);
    default:
      return h;
  }
}

}  // namespace

const char* ffn_kind_name(FFNKind kind) {
  return info(kind).name;
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
    : options_(options), dropout_gen_(static_cast<std::uint64_t>(gen.integer(INT64_MAX))) {
  const KindInfo& k = info(options.kind);
  const std::int64_t d = options.d_model;
  if (d <= 0) fail("FFN", "d_model must be positive, got ", d);
  if (options.fused && !k.gated)
    fail("FFN", "fused applies to gated variants only, not '", k.name, "'");
  if (!(options.dropout >= 0 && options.dropout < 1))
    fail("FFN", "dropout must be in [0, 1), got ", options.dropout);
  hidden_ = options.hidden > 0 ? options.hidden
            : k.gated          ? llama_hidden_size(d, options.multiple_of)
                               : 4 * d;
  const bool b = options.bias;
  const DType dt = options.dtype;
  if (!k.gated) {
    up_proj = register_module("up_proj", std::make_shared<Linear>(d, hidden_, gen, b, dt));
  } else if (options.fused) {
    gate_up_proj =
        register_module("gate_up_proj", std::make_shared<Linear>(d, 2 * hidden_, gen, b, dt));
  } else {
    gate_proj = register_module("gate_proj", std::make_shared<Linear>(d, hidden_, gen, b, dt));
    up_proj = register_module("up_proj", std::make_shared<Linear>(d, hidden_, gen, b, dt));
  }
  down_proj = register_module("down_proj", std::make_shared<Linear>(hidden_, d, gen, b, dt));
}

std::int64_t FFN::matmul_flops_per_token() const {
  const std::int64_t matrices = is_gated(options_.kind) ? 3 : 2;
  return 2 * matrices * options_.d_model * hidden_;
}

Tensor FFN::hidden_activations(const Tensor& x) const {
  const KindInfo& k = info(options_.kind);
  if (!k.gated) return activate(k.act, up_proj->forward(x));
  if (options_.fused)
    return gated_halves(gate_up_proj->forward(x), k.act, -1, HalfOrder::GateFirst);
  return gated(gate_proj->forward(x), up_proj->forward(x), k.act);
}

Tensor FFN::activated_down(const Tensor& x) const {
  const KindInfo& k = info(options_.kind);
  if (!k.gated) return activated_linear(up_proj->forward(x), Tensor(), down_proj->weight,
                                        down_proj->bias, k.act);
  return activated_linear(gate_proj->forward(x), up_proj->forward(x), down_proj->weight,
                          down_proj->bias, k.act);
}

Tensor FFN::forward(const Tensor& x) {
  if (x.dim() < 1 || x.size(-1) != options_.d_model)
    fail("FFN", "expects (..., ", options_.d_model, "), got ", x.shape());
  // The dropout mask is drawn here, outside the checkpointed function, so that the
  // recomputation in backward uses the same mask.
  Tensor mask;
  if (is_training() && options_.dropout > 0) {
    Shape hidden_shape = x.shape();
    hidden_shape.back() = hidden_;
    mask = dropout_mask(hidden_shape, options_.dropout, dropout_gen_, x.dtype());
  }
  auto block = [this, mask](const std::vector<Tensor>& in) {
    if (!mask.defined() && !options_.fused) return activated_down(in[0]);
    Tensor h = hidden_activations(in[0]);
    if (mask.defined()) h = h * mask;
    return down_proj->forward(h);
  };
  if (!options_.checkpoint) return block({x});
  return checkpoint(block, {x}, parameters());
}

}  // namespace tg::nn
