// layers/moe.hpp — a sparse mixture of SwiGLU experts, as Mixtral's feed-forward layer.
//
// Layer: layers. Shapes: x (..., d) -> out (..., d); N = the number of tokens (rows of x),
// E experts, k of them per token, each expert a SwiGLU FFN with hidden size h.
//
// For each token x_n (Shazeer et al. 2017, "Outrageously Large Neural Networks"; Mixtral:
// Jiang et al. 2024, "Mixtral of Experts"):
//   router logits   r_n = x_n W_gate^T                         (E,)   W_gate (E, d), no bias
//   probabilities   p_n = softmax(r_n)                          (E,)
//   choice          S_n = the k experts with the largest p_n    (ties: the lower index)
//   weights         w_ni = p_ni / sum_{j in S_n} p_nj, i in S_n (k,)   renormalised over S_n
//   output          out_n = sum_{i in S_n} w_ni expert_i(x_n)
//   expert_i(x)     = w2( silu(w1 x) * w3 x )                   w1, w3 (h, d), w2 (d, h)
// Renormalising the k weights is Mixtral's form: softmax over the chosen logits, which is the
// same thing. Switch Transformer (Fedus et al. 2022) routes to k = 1 expert and scales its
// output by p_ni itself, not renormalised (which would make the weight always 1 and leave the
// router without a gradient).
//
// The choice S_n is a discrete argmax: it has no derivative, and none is taken. The gradient
// reaches the router through the weights w_ni of the chosen experts (a chosen expert whose
// output helps gets a larger weight, so a larger logit), as in every top-k MoE.
//
// Dropless: every token is computed by each of its k experts (no capacity limit). The readable
// form below gathers each expert's tokens (index_select), runs the expert on them, scales by
// the weights and adds the rows back in place (index_add), so every step is an op of the tape.
//
// The balancing loss (Switch Transformer eq. 4-6; Hugging Face's load_balancing_loss_func for
// Mixtral), returned beside the output: with f_i the share of tokens whose k choices include
// expert i (so sum_i f_i = k) and P_i = mean_n p_ni the mean router probability,
//   balance_loss = E * sum_i f_i P_i,
// which is k when routing is uniform. f_i is counted (no gradient); the gradient flows through
// P_i, pushing probability away from experts that receive more than their share. The router
// z-loss (Zoph et al. 2022, ST-MoE) is mean_n (log sum_i exp r_ni)^2: it keeps the logits small.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/random.hpp"
#include "layers/linear.hpp"
#include "layers/module.hpp"

namespace tg::nn {

// One expert: Llama's SwiGLU FFN under Mixtral's names, w2(silu(w1 x) * w3 x), no biases.
class SwiGLUExpert : public Module {
 public:
  SwiGLUExpert(std::int64_t d_model, std::int64_t hidden, Generator& gen, DType dtype = float32);
  Tensor forward(const Tensor& x) const;  // x (n, d) -> (n, d)

  std::shared_ptr<Linear> w1, w2, w3;  // gate (d -> h), down (h -> d), up (d -> h)
};

struct MoEOptions {
  std::int64_t d_model = 64;
  std::int64_t hidden = 0;  // each expert's h; 0: Llama's rule, llama_hidden_size(d, multiple_of)
  std::int64_t multiple_of = 16;
  std::int64_t experts = 8;            // E (Mixtral: num_local_experts = 8)
  std::int64_t experts_per_token = 2;  // k (Mixtral: num_experts_per_tok = 2)
  DType dtype = float32;
};

struct MoEOutput {
  Tensor out;            // (..., d)
  Tensor router_logits;  // (N, E), recorded: what the router's losses are computed from
  // f_i, the share of tokens routed to each expert (E,; sums to k), and each token's k
  // choices, row-major (N, k), best first.
  std::vector<double> load;
  std::vector<std::int64_t> chosen;
};

class MoE : public Module {
 public:
  // Throws tg::Error naming the value when experts < 1, experts_per_token < 1 or > experts,
  // or d_model < 1.
  MoE(const MoEOptions& options, Generator& gen);
  // x (..., d): every token a row. Returns out (..., d), the router logits (N, E), the load and
  // each token's k choices. Throws tg::Error naming the shapes when x's last size is not d, and
  // naming the token when a router probability is not finite (top_k_indices).
  MoEOutput forward(const Tensor& x) const;

  // The router's losses of one forward, shape (), differentiable (through P and the logits).
  // They are computed on request, not by forward: a recorded loss that is never differentiated
  // would stay on the tape. For display only, compute them under NoGradGuard.
  Tensor balance_loss(const MoEOutput& routed) const;  // E * sum_i f_i P_i
  Tensor z_loss(const MoEOutput& routed) const;        // mean_n logsumexp(r_n)^2

  const MoEOptions& options() const { return options_; }
  std::int64_t intermediate_size() const { return hidden_; }  // each expert's h
  // Parameters every token uses (the router and k experts) and all of them (the router and E).
  std::int64_t active_parameters() const;
  std::int64_t total_parameters() const;

  std::shared_ptr<Linear> gate;  // the router, d -> E
  std::vector<std::shared_ptr<SwiGLUExpert>> experts;

 private:
  MoEOptions options_;
  std::int64_t hidden_;
};

// The k largest of each row of probs (N, E), as indices, best first; ties go to the lower index.
// Throws tg::Error naming the token and expert when a probability is NaN or infinite (a NaN
// input reaches the router as NaN logits; there is no largest then).
std::vector<std::int64_t> top_k_indices(const Tensor& probs, std::int64_t k);

}  // namespace tg::nn
