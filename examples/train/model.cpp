// examples/train/model.cpp — train_transformer's model stage: the options made into a model
// config, the model (new, loaded or resumed) with its optimizer and generators, and what the
// program says about it.
//
// Layer: examples. The one file of the program that reads or writes nn::ModelConfig's fields:
// the other stages ask the small functions here (vocab_of, context_of, has_experts, ...).
#include <cstdio>
#include <iostream>
#include <sstream>

#include "core/fast/parallel.hpp"
#include "core/tapegrad.hpp"
#include "train/stages.hpp"

namespace tg::trainer {

nn::ModelConfig model_config(const cli::Flags& flags) {
  nn::ModelConfig c;
  c.hidden_size = flags.integer("d-model"), c.num_hidden_layers = flags.integer("layers");
  c.num_attention_heads = flags.integer("heads");
  const std::string ffn = flags.choice("ffn");
  c.ffn = ffn == "moe" ? nn::FFNKind::SwiGLU : nn::parse_ffn_kind(ffn);  // moe: SwiGLU experts
  if (ffn == "moe") {
    c.num_local_experts = flags.integer("experts"), c.num_experts_per_tok = flags.integer("experts-per-token");
    c.router_aux_loss_coef = flags.real("aux-loss-coef");
    c.router_z_loss_coef = flags.real("z-loss-coef");
  }
  c.rope = flags.choice("positions") == "rope", c.rms_norm = flags.choice("norm") == "rms";
  return c;
}

bool heads_split_evenly(const nn::ModelConfig& c) {
  return c.hidden_size % c.num_attention_heads == 0 && (c.hidden_size / c.num_attention_heads) % 2 == 0;
}
void set_vocab(nn::ModelConfig& c, std::int64_t vocab) {
  c.vocab_size = vocab;
}
std::int64_t vocab_of(const nn::ModelConfig& c) {
  return c.vocab_size;
}
void set_context(nn::ModelConfig& c, std::int64_t tokens) {
  c.max_position_embeddings = tokens;
}
std::int64_t context_of(const nn::ModelConfig& c) {
  return c.max_position_embeddings;
}
bool has_experts(const nn::ModelConfig& c) {
  return c.num_local_experts > 0;
}
std::string ffn_label(const nn::ModelConfig& c) {
  return c.num_local_experts > 0 ? "moe" : nn::ffn_kind_name(c.ffn);
}

std::string model_line(const io::SavedRun& saved, const nn::Transformer& model) {
  const nn::ModelConfig& c = model.config();
  std::ostringstream line;
  line << "task " << saved.task << ", " << ffn_label(c) << " FFN, d_model " << c.hidden_size << ", "
       << c.num_hidden_layers << " layers, " << c.num_attention_heads << " heads, seq " << c.max_position_embeddings << ", "
       << model.num_parameters() << " parameters";
  return line.str();
}

namespace {

// Each expert's share of the routed tokens in the last forward, averaged over the layers (sums
// to 1: the balancing loss's f_i / k).
std::vector<double> expert_load(const nn::Transformer& model) {
  const nn::ModelConfig& c = model.config();
  std::vector<double> load(static_cast<std::size_t>(c.num_local_experts), 0.0);
  for (const auto& block : model.model->blocks)
    for (std::size_t i = 0; i < load.size(); ++i)
      load[i] += block->routing().load[i] / static_cast<double>(c.num_hidden_layers * c.num_experts_per_tok);
  return load;
}

}  // namespace

// " aux 2.013 load 13/12/12/13/13/12/13/12%" for a model with experts: the balancing loss of
// the last forward per layer (k when perfectly balanced) and each expert's share in percent;
// "" without experts.
std::string router_summary(const nn::Transformer& model) {
  const nn::ModelConfig& c = model.config();
  if (c.num_local_experts == 0) return "";
  NoGradGuard no_grad;  // for display: nothing to record
  char number[32];
  std::snprintf(number, sizeof number, " aux %.3f load",
                model.balance_loss().item() / static_cast<double>(c.num_hidden_layers));
  std::string text = number;
  const std::vector<double> load = expert_load(model);
  for (std::size_t i = 0; i < load.size(); ++i) {
    std::snprintf(number, sizeof number, "%s%.0f", i ? "/" : " ", 100 * load[i]);
    text += number;
  }
  return text + "%";
}

namespace {

optim::AdamOptions adam_options(double lr) {
  optim::AdamOptions ao;
  ao.lr = lr;
  return ao;
}

}  // namespace

nn::ModelConfig recomputing_ffn(nn::ModelConfig c) {
  c.ffn_memory = nn::FFNMemory::Recompute;
  return c;
}

Run::Run(Options& o, const Data& data)
    : saved(o.run),
      init_gen(o.seed),
      model(recomputing_ffn(o.run.config), init_gen),
      opt(optim::decay_groups(model.named_parameters(), o.weight_decay), adam_options(o.lr)),
      train_gen(o.seed + 7919),
      sample_gen(o.seed + 2000) {
  // A resumed run's weights come from the checkpoint, a loaded model's from model.safetensors.
  if (!o.fresh && !o.resuming()) io::load_weights(o.load_dir, model);
  std::cout << model_line(saved, model) << std::endl;  // flushed: a log shows how far it got
  if (o.is_text() && data.task)
    std::cout << "unigram entropy of the training text: " << unigram_entropy(data.task.get())
              << " nats per token\n";
  if (o.resuming()) {
    io::restore(o.checkpoint, model, opt);
    train_gen.set_state(o.checkpoint.state.train_rng);
    sample_gen.set_state(o.checkpoint.state.sample_rng);
    done = o.checkpoint.state.step;
    saved_step = done;
    std::cout << "resumed " << o.resume_dir << " after step " << done << "\n";
  }
  first_step = done;
  measured.curves.validation = o.is_text();  // a text's evaluations are on its held-out part
  if (done < o.steps)
    std::printf("memory: about %.0f MB at the peak of a training step (estimate)\n",
                training::estimate_peak_bytes(model.config(), o.batch, get_num_threads()) / 1e6);
  std::fflush(stdout);
}

}  // namespace tg::trainer
