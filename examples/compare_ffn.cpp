// examples/compare_ffn.cpp — the GLU-variants experiment of Shazeer (2020) at toy scale.
//
//   build/bin/compare_ffn [--quick] [--steps N] [--seeds N] [--variants LIST] [--out DIR]
//
// Trains the same small transformer with each FFN variant — relu, gelu, swish, glu, bilinear,
// reglu, geglu, swiglu — at a matched parameter count (hidden 4d for the non-gated ones, 2/3 of
// that for the gated ones, whose FFN has three matrices instead of two), and two mixtures of
// SwiGLU experts (Mixtral's MoE, 4 experts, 2 per token; docs/moe.md) set against the dense
// SwiGLU: moe-active with the dense FFN's parameters per token (each expert half its hidden
// size), moe-total with its parameters in all (each expert a quarter of it), on character-level
// modelling of an English-like corpus generated in code (examples/corpus.hpp), over several
// seeds. Every variant sees the same batches for a given seed. It measures the loss on a fixed
// held-out text (generated from another seed) during training, then writes into DIR:
//   results.md      the table: variant, parameters, FLOPs per token, final held-out loss
//                   (mean +- standard deviation over seeds), parameters active per token, a
//                   timing table (ms per step) and the wall time of the whole run
//   heldout_loss.svg / .csv   held-out loss curves: the mean per variant and a min..max band
// and prints the tables. The default is 600 steps and 3 seeds (results.md ends with how long the
// run took; docs/compare-ffn.md quotes one run); --quick is 150 steps and 2 seeds, a sixth of it.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli.hpp"
#include "compare_ffn_figure.hpp"
#include "core/fast/parallel.hpp"
#include "core/formats/file_io.hpp"
#include "core/tapegrad.hpp"
#include "corpus.hpp"
#include "interrupt.hpp"
#include "layers/optim.hpp"
#include "layers/transformer.hpp"
#include "outputs.hpp"
#include "plot/csv.hpp"
#include "plot/svg.hpp"
#include "tasks.hpp"
#include "training.hpp"

using namespace tg;

namespace {

const char* kUsage =
    "usage: compare_ffn [--quick] [--steps N] [--seeds N] [--variants LIST] [--threads N] [--out "
    "DIR]\n"
    "  --quick          150 steps and 2 seeds (a sixth of the default's steps)\n"
    "  --steps N        training steps per run, 10..100000 (default 600)\n"
    "  --seeds N        seeds per variant, 1..20 (default 3)\n"
    "  --variants LIST  comma-separated FFN kinds (default "
    "relu,gelu,swish,glu,bilinear,reglu,geglu,swiglu,moe-active,moe-total)\n"
    "  --threads N      threads for the kernels, 1..1024 (default: the hardware threads)\n"
    "  --out DIR        where to write results.md, heldout_loss.svg and .csv (default "
    "tapegrad-out/compare_ffn)\n"
    "  --reference      run the readable floor instead of the fast one (same results to\n"
    "                   rounding, much slower; docs/performance.md)\n";

constexpr std::int64_t kD = 64, kLayers = 2, kHeads = 4, kSeq = 64, kBatch = 16, kEvalWindows = 64;
constexpr std::int64_t kExperts = 4, kExpertsPerToken = 2;  // the MoE rows: top-2 of 4 experts

// One row of the study: an FFN kind, or a mixture of SwiGLU experts, with its hidden size.
struct Variant {
  std::string name;
  nn::FFNKind kind = nn::FFNKind::SwiGLU;
  std::int64_t experts = 0;  // 0: a dense FFN
  std::int64_t hidden = 0;   // the FFN's hidden size; for a mixture, each expert's
};

// Matched parameters: 2 d (4d) weights for a non-gated FFN, 3 d h for a gated one with
// h = round(2/3 4d) = 171. A mixture's expert is a SwiGLU FFN: with hidden h/2 the two a token
// uses hold the dense FFN's 3 d h weights (moe-active: the same cost per token, twice the
// parameters); with h/4 all four do (moe-total: the same parameters, half the cost per token).
Variant make_variant(const std::string& name) {
  const std::int64_t gated = (2 * 4 * kD + 1) / 3;
  if (name == "moe-active") return {name, nn::FFNKind::SwiGLU, kExperts, (gated + 1) / 2};
  if (name == "moe-total") return {name, nn::FFNKind::SwiGLU, kExperts, (gated + 2) / 4};
  const nn::FFNKind kind = nn::parse_ffn_kind(name);
  return {name, kind, 0, nn::is_gated(kind) ? gated : 4 * kD};
}

// Weights a token multiplies in one FFN layer (router included): 2 FLOPs each.
std::int64_t active_ffn_weights(const Variant& v) {
  if (v.experts > 0) return kD * v.experts + kExpertsPerToken * 3 * kD * v.hidden;
  return (nn::is_gated(v.kind) ? 3 : 2) * kD * v.hidden;
}

struct Run {
  std::vector<double> curve;  // held-out loss at each evaluation
  double ms_per_step = 0;
  std::int64_t params = 0;
};

// The held-out loss on fixed windows of the held-out text: the cross-entropy alone (a
// mixture's training objective adds its router's losses; they are not part of this figure).
double heldout_loss(nn::Transformer& model, const tasks::Batch& heldout) {
  NoGradGuard no_grad;
  model.eval();
  const double loss = training::score(model, heldout).loss;
  model.train();
  return loss;
}

Run train_one(const Variant& v, std::uint64_t seed, std::int64_t steps, std::int64_t eval_every,
              const tasks::CharTask& train, const tasks::Batch& heldout) {
  nn::ModelConfig c;
  c.vocab_size = train.vocab();
  c.hidden_size = kD;
  c.num_hidden_layers = kLayers;
  c.num_attention_heads = kHeads;
  c.max_position_embeddings = kSeq;
  c.ffn = v.kind;
  c.rope = false;  // learned positions, as the toy reverse model
  c.intermediate_size = v.hidden;
  c.num_local_experts = v.experts;
  c.num_experts_per_tok = kExpertsPerToken;  // router losses: the config's defaults
  // With the fast floor on, the FFN's fused recomputing kernel (core/fast/activated_linear.hpp):
  // the same numbers, one (tokens x h) tensor less per block.
  if (fast::enabled()) c.ffn_memory = nn::FFNMemory::Recompute;
  Generator init(seed);
  nn::Transformer model(c, init);
  optim::AdamOptions o;
  o.lr = 2e-3;
  optim::AdamW opt(optim::decay_groups(model.named_parameters(), 0.01), o);
  Generator data(seed + 500);  // the same batches for every variant
  Run run;
  run.params = model.num_parameters();
  double seconds = 0;
  for (std::int64_t step = 1; step <= steps; ++step) {
    const auto start = std::chrono::steady_clock::now();
    training::train_step(model, opt, train.sample(kBatch, data), /*clip=*/1.0, step);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (step % eval_every == 0 || step == steps) run.curve.push_back(heldout_loss(model, heldout));
  }
  run.ms_per_step = 1000 * seconds / static_cast<double>(steps);
  return run;
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}
double stddev(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  const double m = mean(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1));  // sample standard deviation
}

}  // namespace

int main(int argc, char** argv) {
  tg::fast::enable();  // the fast floor (docs/performance.md); --reference turns it off below
  cli::Flags flags("compare_ffn", kUsage);
  flags.add("steps", "600");
  flags.add("seeds", "3");
  flags.add("variants", "relu,gelu,swish,glu,bilinear,reglu,geglu,swiglu,moe-active,moe-total");
  flags.add("threads", "");
  flags.add("out", "tapegrad-out/compare_ffn");
  flags.add_switch("quick");
  flags.add_switch("reference");
  flags.parse(argc, argv);
  if (flags.on("reference")) tg::fast::disable();
  std::int64_t steps = flags.integer("steps", 10, 100000), seeds = flags.integer("seeds", 1, 20);
  flags.needs("steps", !flags.on("quick"), "and --quick exclude each other (--quick sets both)");
  flags.needs("seeds", !flags.on("quick"), "and --quick exclude each other (--quick sets both)");
  if (flags.on("quick")) steps = 150, seeds = 2;
  if (!flags.text("threads").empty())
    set_num_threads(static_cast<int>(flags.integer("threads", 1, 1024)));
  std::vector<Variant> variants;
  std::vector<std::string> names = nn::ffn_kind_names();  // the library's kinds, then two MoEs
  names.insert(names.end(), {"moe-active", "moe-total"});
  for (const std::string& name : flags.choices("variants", names))
    variants.push_back(make_variant(name));
  const std::string dir = flags.text("out");

  interrupt::install();  // Ctrl-C or SIGTERM: stop at once (there is nothing to save)
  return cli::run_main("compare_ffn", [&] {
    // The results are written after the last run, minutes later by default: find out now
    // whether they can be.
    outputs::prepare_dir(dir, "--out");
    const auto started = std::chrono::steady_clock::now();
    const tasks::CharTask train(corpus::generate(200000, 1), kSeq, "generated corpus");
    const tasks::CharTask heldout_text(corpus::generate(20000, 2), kSeq, "held-out corpus");
    if (heldout_text.chars() != train.chars())
      fail("compare_ffn", "the held-out text uses other characters");
    Generator heldout_gen(3);
    const tasks::Batch heldout = heldout_text.sample(kEvalWindows, heldout_gen);
    const std::int64_t eval_every = std::max<std::int64_t>(1, steps / 20);
    std::printf(
        "char-level LM on a generated corpus (%zu characters, vocab %lld, unigram entropy %.3f "
        "nats)\n",
        static_cast<std::size_t>(200000), static_cast<long long>(train.vocab()),
        train.unigram_entropy());
    std::printf(
        "model: d=%lld, %lld layers, %lld heads, seq %lld, batch %lld, AdamW lr 2e-3; %lld steps x "
        "%lld seeds\n",
        static_cast<long long>(kD), static_cast<long long>(kLayers), static_cast<long long>(kHeads),
        static_cast<long long>(kSeq), static_cast<long long>(kBatch), static_cast<long long>(steps),
        static_cast<long long>(seeds));

    std::ostringstream table, timing;
    table << "| variant | parameters | FLOPs/token | held-out loss (mean ± std) | active "
             "parameters/token |\n|---|---|---|---|---|\n";
    timing << "| variant | ms/step (mean over seeds) |\n|---|---|\n";
    std::vector<compare_ffn::Curve> curves;
    for (const Variant& v : variants) {
      std::vector<Run> runs;
      for (std::int64_t s = 0; s < seeds; ++s) {
        runs.push_back(
            train_one(v, static_cast<std::uint64_t>(s), steps, eval_every, train, heldout));
        std::fprintf(stderr, "  %-8s seed %lld: held-out loss %.4f, %.1f ms/step\n", v.name.c_str(),
                     static_cast<long long>(s), runs.back().curve.back(), runs.back().ms_per_step);
      }
      std::vector<double> finals, ms, x, mid, lo, hi;
      for (const Run& r : runs) finals.push_back(r.curve.back()), ms.push_back(r.ms_per_step);
      for (std::size_t k = 0; k < runs[0].curve.size(); ++k) {
        std::vector<double> at;
        for (const Run& r : runs) at.push_back(r.curve[k]);
        x.push_back(static_cast<double>(
            std::min<std::int64_t>(static_cast<std::int64_t>(k + 1) * eval_every, steps)));
        mid.push_back(mean(at));
        lo.push_back(*std::min_element(at.begin(), at.end()));
        hi.push_back(*std::max_element(at.begin(), at.end()));
      }
      curves.push_back({v.name, compare_ffn::drawn_solid(v.name), x, mid, lo, hi});
      // Forward matmul FLOPs per token: 2 per weight of every Linear (attention, FFN, head), plus
      // the attention scores and weighted sum, 2 * 2 * T * d per layer. A mixture counts the
      // router and the experts a token uses: the others hold parameters but cost nothing.
      const std::int64_t flops =
          2 * (kLayers * (4 * kD * kD + active_ffn_weights(v)) + kD * train.vocab()) +
          kLayers * 4 * kSeq * kD;
      const std::int64_t idle =
          v.experts > 0 ? kLayers * (v.experts - kExpertsPerToken) * 3 * kD * v.hidden : 0;
      char row[256];
      std::snprintf(row, sizeof row, "| %s | %lld | %lld | %.4f ± %.4f | %lld |\n", v.name.c_str(),
                    static_cast<long long>(runs[0].params), static_cast<long long>(flops),
                    mean(finals), stddev(finals), static_cast<long long>(runs[0].params - idle));
      table << row;
      std::snprintf(row, sizeof row, "| %s | %.1f |\n", v.name.c_str(), mean(ms));
      timing << row;
    }
    const double minutes =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() / 60;
    char wall[160];
    std::snprintf(wall, sizeof wall,
                  "\nThe whole run took %.1f minutes of wall time (%d threads).\n", minutes,
                  get_num_threads());
    const std::string results = table.str() +
                                "\nTiming on this machine (varies from run to run):\n\n" +
                                timing.str() + wall;
    std::cout << "\n" << results;
    write_file_atomically(dir + "/results.md", "# compare_ffn: " + std::to_string(steps) +
                                                   " steps, " + std::to_string(seeds) +
                                                   " seeds\n\n" + results);
    const plot::Figure fig = compare_ffn::heldout_figure(curves);
    plot::write_svg(fig, dir + "/heldout_loss.svg");
    plot::write_csv(fig.panels[0], dir + "/heldout_loss.csv");
    std::cout << "\nwrote " << dir << "/results.md, heldout_loss.svg, heldout_loss.csv\n";
    return 0;
  });
}
