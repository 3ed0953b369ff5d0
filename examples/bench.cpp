// examples/bench.cpp — how fast tapegrad runs, in the figures the PyTorch peer scripts print
// (../shared/peer in the development setup; docs/performance.md puts the two side by side).
// A benchmark, not a test: it prints numbers and never fails on them.
//
//   build/bin/bench                               # everything, 1 and all hardware threads
//   build/bin/bench --only matmul --threads 1,2
//   build/bin/bench --only step --configs tiny --ffns swiglu --threads 1
//
// One line per figure:
//   matmul n=N threads=T gflops=G                  square products, n = 64 ... 1024
//   matmul shape=MxKxN batch=B threads=T gflops=G  the toy transformer's own products
//   step config=C ffn=F threads=T ms=M tokens_per_s=S peak_rss_mb=R
//   memory config=C ffn=F saved_mb=A peak_tensors_mb=P   after each step line: what the tape
//                              keeps at the end of the forward pass (Tape::saved_bytes), and the
//                              most tensor memory alive at once in a step (memory_pool_stats)
//   attention config=C threads=T ms=M              one layer's causal attention, forward+backward
//   op_overhead_us=U                               per op of a 1000-op chain, forward+backward
//   step_flops config=C ffn=F gflop=G              the matrix arithmetic of one training step
//   peak threads=T gflops=G                        the machine's float32 multiply-add limit
//   generate config=C threads=T new=N kv_cache=on|off tokens_per_s=S   greedy generation of N
//                              tokens after a 16-token prompt, with the KV cache and without
//   generate_speedup config=C threads=T ratio=R same_tokens=yes|no   cached over uncached
//   hvp config=C threads=T grad_ms=G hvp_ms=H ratio=R   a training loss's gradient (forward,
//                              backward) and its Hessian-vector product over every parameter
//                              (forward, backward with create_graph, backward again), SwiGLU
//   jacobian n=N m=M reverse_ms=R forward_ms=F    the Jacobian of tanh(W x + b), W (m, n), row
//                              by row (m reverse passes) and column by column (n jvp's)
// Timing as the peer's: after a warm-up call, a sample is as many back-to-back calls as fill
// 0.2 s, and the figure is the median of --reps samples. A training step is timed whole
// (forward, loss, backward, AdamW step, zero_grad) over --steps steps after --warmup, and each
// configuration runs in a process of its own so that its peak memory is its own.
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "activations/activations.hpp"
#include "cli.hpp"
#include "core/fast/memory_pool.hpp"
#include "core/fast/parallel.hpp"
#include "core/tapegrad.hpp"
#include "generate.hpp"
#include "layers/optim.hpp"
#include "layers/transformer.hpp"

using namespace tg;

namespace {

const char* kUsage =
    "usage: bench [flags]\n"
    "  --only WHAT      all | peak | matmul | attention | step | flops | overhead | generate |\n"
    "                   second (hvp and Jacobian costs)\n"
    "                   (default all)\n"
    "  --threads LIST   thread counts, e.g. 1,2 (default 1 and the hardware threads)\n"
    "  --configs LIST   tiny, small, medium (default all three)\n"
    "  --ffns LIST      relu, gelu, swiglu, or any FFN kind (default relu,gelu,swiglu)\n"
    "  --reps N         samples per matmul or attention figure, 1..100 (default 7)\n"
    "  --warmup N       untimed training steps first, 0..100 (default 5)\n"
    "  --steps N        timed training steps, 1..1000 (default 30)\n"
    "  --reference      run the readable floor (plain loops, no threads or pools) instead of the\n"
    "                   fast one, to see what the fast floor buys (docs/performance.md); it runs\n"
    "                   on one thread whatever --threads says\n";

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream s(list);
  for (std::string item; std::getline(s, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

// The peer's method: calls per sample chosen to fill min_seconds; the median sample's time.
double seconds_per_call(const std::function<void()>& call, int reps, double min_seconds = 0.2) {
  call();
  auto t = Clock::now();
  call();
  const double one = std::max(seconds_since(t), 1e-9);
  const int inner = std::max(1, static_cast<int>(min_seconds / one));
  std::vector<double> samples;
  for (int r = 0; r < reps; ++r) {
    t = Clock::now();
    for (int i = 0; i < inner; ++i) call();
    samples.push_back(seconds_since(t) / inner);
  }
  return median(samples);
}

// GFLOP/s of batch x (M x K)·(K x N) through tg::matmul (no recording), as torch.mm / bmm.
double matmul_gflops(std::int64_t batch, std::int64_t M, std::int64_t K, std::int64_t N, int reps) {
  Generator gen(0);
  const Shape a_shape = batch == 1 ? Shape{M, K} : Shape{batch, M, K};
  const Shape b_shape = batch == 1 ? Shape{K, N} : Shape{batch, K, N};
  const Tensor a = randn(a_shape, gen), b = randn(b_shape, gen);
  NoGradGuard no_grad;
  const double s = seconds_per_call([&] { (void)matmul(a, b); }, reps);
  return 2.0 * static_cast<double>(batch * M * N * K) / s / 1e9;
}

nn::ModelConfig config_named(const std::string& name, const std::string& ffn) {
  // ../shared/peer/toy_gpt.py: learned positions, pre-norm RMSNorm (eps 1e-5), no biases,
  // untied head, FFN hidden 4d (plain) or 2/3 of 4d rounded up to 16 (gated), N(0, 0.02^2).
  nn::ModelConfig c;
  if (name == "tiny")
    c.vocab_size = 32, c.hidden_size = 64, c.num_attention_heads = 4, c.num_hidden_layers = 2,
    c.max_position_embeddings = 32;
  else if (name == "small")
    c.vocab_size = 64, c.hidden_size = 128, c.num_attention_heads = 4, c.num_hidden_layers = 4,
    c.max_position_embeddings = 64;
  else if (name == "medium")
    c.vocab_size = 128, c.hidden_size = 256, c.num_attention_heads = 8, c.num_hidden_layers = 4,
    c.max_position_embeddings = 128;
  else
    fail("bench", "unknown config '", name, "' (tiny, small, medium)");
  c.ffn = nn::parse_ffn_kind(ffn);
  c.rope = false;
  c.ffn_memory = nn::FFNMemory::Recompute;  // one (tokens x h) tensor less per block
  return c;
}

std::int64_t batch_of(const std::string& name) {
  return name == "tiny" ? 32 : name == "small" ? 16 : 8;
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports kilobytes
}

// One configuration, in this process: the median time of a whole training step.
void step_figure(const std::string& config, const std::string& ffn, int threads, int warmup,
                 int steps) {
  set_num_threads(threads);
  const nn::ModelConfig c = config_named(config, ffn);
  const std::int64_t B = batch_of(config), T = c.max_position_embeddings;
  Generator gen(0);
  nn::Transformer model(c, gen);
  optim::AdamW opt(model.parameters(),
                   optim::AdamW::with_decay(0.01));  // every parameter, as the peer
  // Eight random batches made before timing, as the peer does: data is not what is measured.
  std::vector<std::vector<std::int64_t>> xs(8), ys(8);
  for (int k = 0; k < 8; ++k)
    for (std::int64_t i = 0; i < B * T; ++i) {
      xs[k].push_back(gen.integer(c.vocab_size));
      ys[k].push_back(gen.integer(c.vocab_size));
    }
  std::vector<double> times;
  double saved_mb = 0;
  for (int i = 0; i < warmup + steps; ++i) {
    reset_peak_live_bytes();  // so that the last step's peak is its own
    const auto t = Clock::now();
    const Tensor loss =
        cross_entropy(model.forward(xs[i % 8], B, T).reshape({B * T, c.vocab_size}), ys[i % 8]);
    double not_timed = 0;  // the count below walks every record: not part of a step
    if (i == warmup + steps - 1) {
      const auto counting = Clock::now();
      saved_mb = static_cast<double>(current_tape().saved_bytes()) / (1 << 20);
      not_timed = seconds_since(counting);
    }
    loss.backward();
    opt.step();
    opt.zero_grad();
    if (i >= warmup) times.push_back(seconds_since(t) - not_timed);
  }
  const double s = median(times);
  std::printf("step config=%s ffn=%s threads=%d ms=%.2f tokens_per_s=%.0f peak_rss_mb=%.0f\n",
              config.c_str(), ffn.c_str(), threads, 1000 * s, static_cast<double>(B * T) / s,
              peak_rss_mb());
  // The peak of live tensors is counted by the fast floor's memory pool; the readable floor
  // has none to ask (its tensors come straight from std::aligned_alloc).
  if (tg::fast::enabled())
    std::printf("memory config=%s ffn=%s saved_mb=%.1f peak_tensors_mb=%.1f\n", config.c_str(),
                ffn.c_str(), saved_mb,
                static_cast<double>(memory_pool_stats().peak_live_bytes) / (1 << 20));
  else
    std::printf("memory config=%s ffn=%s saved_mb=%.1f peak_tensors_mb=n/a\n", config.c_str(),
                ffn.c_str(), saved_mb);
}

// The arithmetic of one training step in GFLOP (a multiply-add counts 2), matrix products only:
// the elementwise work is a few percent of it. A Linear (in -> out) on N tokens does N·in·out
// multiply-adds forward and twice that backward (dx = dy W, dW = dy^T x). Attention does two
// products per head forward (q k^T and P v, T·T·dh each, the masked half included, as PyTorch
// computes them; tapegrad's causal attention skips part of it) and four backward. Divided by
// the peak GFLOP/s, this is the least time a step can take.
double step_gflop(const std::string& config, const std::string& ffn) {
  const nn::ModelConfig c = config_named(config, ffn);
  const double tokens = static_cast<double>(batch_of(config) * c.max_position_embeddings);
  Generator gen(0);
  const nn::Transformer model(c, gen);
  double multiply_adds = 0;
  for (const auto& [name, p] : model.named_parameters())
    if (p.dim() == 2 && name.find("embed") == std::string::npos)  // embeddings are lookups
      multiply_adds += 3 * tokens * static_cast<double>(p.numel());
  const double T = static_cast<double>(c.max_position_embeddings),
               dh = static_cast<double>(c.hidden_size / c.num_attention_heads);
  multiply_adds +=
      static_cast<double>(c.num_hidden_layers * batch_of(config) * c.num_attention_heads) * 6 * T *
      T * dh;
  return 2 * multiply_adds / 1e9;
}

// The float32 peak: 16 x 16 independent multiply-add chains (acc = acc * m + c). The compiler
// turns the inner 16 into one vector instruction per chain row (AVX-512: 16 lanes), and 16
// independent chains hide the multiply-add's latency, so this runs at the core's limit:
// lanes x FMA units x 2 flops x clock. One copy per thread, on `threads` threads at once.
volatile float sink = 0;

double peak_gflops(int threads) {
  constexpr int kChains = 16, kLanes = 16;
  const long iterations = 20'000'000;
  auto run = [&] {
    float acc[kChains][kLanes];  // different starting values: no two chains are the same work
    for (int i = 0; i < kChains; ++i)
      for (int j = 0; j < kLanes; ++j)
        acc[i][j] = 1.0f + 0.001f * static_cast<float>(i * kLanes + j);
    const float m = 0.999999f, c = 1e-6f;
    for (long it = 0; it < iterations; ++it) {
      for (auto& row : acc)
        for (float& a : row) a = a * m + c;
    }
    float total = 0;  // every chain's result is used, so none of the work can be skipped
    for (auto& row : acc)
      for (float a : row) total += a;
    return total;
  };
  std::vector<double> samples;
  for (int r = 0; r < 3; ++r) {
    const auto t = Clock::now();
    std::vector<std::thread> pool;
    std::vector<float> results(static_cast<std::size_t>(threads));
    try {
      for (int k = 0; k < threads; ++k)
        pool.emplace_back([&results, &run, k] { results[static_cast<std::size_t>(k)] = run(); });
    } catch (const std::exception& e) {  // the system refused a thread: join the rest first
      const std::size_t started = pool.size();
      for (std::thread& th : pool) th.join();
      fail("bench", "could start only ", started, " of ", threads, " threads (", e.what(), ")");
    }
    for (std::thread& th : pool) th.join();
    for (float r : results) sink = sink + r;
    samples.push_back(seconds_since(t));
  }
  return 2.0 * kChains * kLanes * static_cast<double>(iterations) * threads / median(samples) / 1e9;
}

// Milliseconds for one layer's causal attention at a config's sizes, forward and backward: the
// fused op on q, k, v (B, T, d_model) as the projections make them, as in the training step.
double attention_ms(const std::string& config, int reps) {
  const nn::ModelConfig c = config_named(config, "relu");
  const std::int64_t B = batch_of(config), T = c.max_position_embeddings, D = c.hidden_size;
  Generator gen(0);
  Tensor q = randn({B, T, D}, gen), k = randn({B, T, D}, gen), v = randn({B, T, D}, gen);
  for (Tensor* t : {&q, &k, &v}) t->requires_grad_();
  const Tensor dout = randn({B, T, D}, gen);
  return 1e3 * seconds_per_call(
                   [&] {
                     scaled_dot_product_attention_heads(q, k, v, c.num_attention_heads, true)
                         .backward(dout);
                     for (const Tensor& t : {q, k, v}) t.zero_grad();
                   },
                   reps);
}

// Microseconds per op of a chain of 1000 ops on one-element tensors (y = y * a; y = y + b),
// recording then backward, as ../shared/peer/op_overhead.py: what the tape itself costs.
// Greedy generation of `new_tokens` tokens after a 16-token prompt by the "small" model with room
// for them (max_seq = prompt + new_tokens, so the window never slides), with the KV cache or
// without: the tokens and the tokens per second of one timed run after a short warm-up.
std::pair<std::vector<std::int64_t>, double> generation_speed(bool kv_cache,
                                                              std::int64_t new_tokens) {
  nn::ModelConfig c = config_named("small", "swiglu");
  const std::vector<std::int64_t> prompt{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  c.max_position_embeddings = static_cast<std::int64_t>(prompt.size()) + new_tokens;
  Generator gen(0);
  nn::Transformer model(c, gen);
  model.eval();
  const generation::SamplingOptions greedy;
  (void)generation::generate(model, prompt, 8, greedy, kv_cache, gen);  // warm-up
  const auto t = Clock::now();
  std::vector<std::int64_t> tokens =
      generation::generate(model, prompt, new_tokens, greedy, kv_cache, gen);
  return {tokens, static_cast<double>(new_tokens) / seconds_since(t)};
}

// The "small" config's loss on one batch: the gradient over every parameter, and the Hessian-
// vector product by double backward (core/grad.hpp's hvp, for many tensors), in milliseconds.
std::pair<double, double> hvp_ms(const std::string& config, int reps) {
  const nn::ModelConfig c = config_named(config, "swiglu");
  const std::int64_t B = batch_of(config), T = c.max_position_embeddings;
  Generator gen(0);
  nn::Transformer model(c, gen);
  const std::vector<Tensor> params = model.parameters();
  std::vector<std::int64_t> ids(static_cast<std::size_t>(B * T));
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<std::int64_t>(i * 7 % 64);
  std::vector<Tensor> v;
  for (const Tensor& p : params) v.push_back(randn(p.shape(), gen));
  auto loss = [&] {
    return cross_entropy(model.forward(ids, B, T).reshape({B * T, c.vocab_size}), ids);
  };
  const double g = seconds_per_call([&] { (void)grad({loss()}, params); }, reps);
  const double h = seconds_per_call(
      [&] {
        const std::vector<Tensor> gs = grad({loss()}, params, {}, /*create_graph=*/true);
        Tensor dot = zeros({});
        for (std::size_t i = 0; i < gs.size(); ++i) dot = dot + sum(gs[i] * v[i]);
        (void)grad({dot}, params);  // H v
      },
      reps);
  return {1e3 * g, 1e3 * h};
}

// The whole Jacobian of y = tanh(W x + b), x (n,), y (m,), in milliseconds: reverse mode takes
// one backward pass per output (a row of J each), forward mode one jvp per input (a column each;
// by the double-vjp trick, core/grad.hpp, two backward passes over a small graph).
std::pair<double, double> jacobian_ms(std::int64_t n, std::int64_t m, int reps) {
  Generator gen(0);
  const Tensor W = randn({m, n}, gen), b = randn({m}, gen), x0 = randn({n}, gen);
  auto f = [&](const Tensor& x) { return tanh(matmul(W, x.reshape({n, 1})).reshape({m}) + b); };
  const double reverse = seconds_per_call(
      [&] {
        Tensor x = x0.detach().clone();
        x.requires_grad_();
        const Tensor y = f(x);
        for (std::int64_t i = 0; i < m; ++i) {
          Tensor e = zeros({m});
          e.set({i}, 1.0);
          (void)grad({y}, {x}, {e}, false, /*retain_graph=*/i + 1 < m);
        }
      },
      reps, 0.05);
  const double forward = seconds_per_call(
      [&] {
        for (std::int64_t j = 0; j < n; ++j) {
          Tensor e = zeros({n});
          e.set({j}, 1.0);
          (void)jvp(f, x0, e);
        }
      },
      reps, 0.05);
  return {1e3 * reverse, 1e3 * forward};
}

double op_overhead_us() {
  const Tensor a = tensor({1.0001}, {1}), b = tensor({-0.0001}, {1});
  std::vector<double> samples;
  for (int r = 0; r < 60; ++r) {
    Tensor x = tensor({1.0}, {1});
    x.requires_grad_();
    const auto t = Clock::now();
    Tensor y = x;
    for (int i = 0; i < 500; ++i) y = y * a + b;
    y.sum().backward();
    if (r >= 10) samples.push_back(seconds_since(t) / 1000 * 1e6);
  }
  return median(samples);
}

}  // namespace

int main(int argc, char** argv) {
  tg::fast::enable();  // the fast floor (docs/performance.md); --reference turns it off below
  cli::Flags flags("bench", kUsage);
  const int hardware = std::max(1, static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)));
  flags.add("only", "all");
  flags.add("threads", hardware > 1 ? "1," + std::to_string(hardware) : "1");
  flags.add("configs", "tiny,small,medium");
  flags.add("ffns", "relu,gelu,swiglu");
  flags.add("reps", "7");
  flags.add("warmup", "5");
  flags.add("steps", "30");
  flags.add_switch("reference");
  flags.add("one-step", "");  // internal: config,ffn,threads (run in a child process)
  flags.parse(argc, argv);
  // Every flag, checked before any work (cli.hpp).
  const std::string only = flags.choice(
      "only", {"all", "peak", "matmul", "attention", "step", "flops", "overhead", "generate",
                 "second"});
  if (flags.on("reference")) tg::fast::disable();
  const int reps = static_cast<int>(flags.integer("reps", 1, 100));
  const int warmup = static_cast<int>(flags.integer("warmup", 0, 100));
  const int steps = static_cast<int>(flags.integer("steps", 1, 1000));
  // Flags that would do nothing for what --only asks are refused, saying why.
  for (const char* name : {"steps", "warmup"})
    flags.needs(name, only == "all" || only == "step",
                "applies to the step figure (--only step or all)");
  flags.needs("reps", only == "all" || only == "matmul" || only == "attention" || only == "second",
              "applies to the matmul, attention and second-order figures (--only matmul, attention, "
              "second or all)");
  std::vector<int> thread_counts;
  for (std::int64_t n : flags.integers("threads", 1, 1024))
    thread_counts.push_back(static_cast<int>(n));
  const std::vector<std::string> configs = flags.choices("configs", {"tiny", "small", "medium"});
  const std::vector<std::string> ffn_kinds = nn::ffn_kind_names();
  const std::vector<std::string> ffns = flags.choices("ffns", ffn_kinds);
  // The child process's job, "config,ffn,threads", checked like the flags it stands for.
  std::string job_config, job_ffn;
  int job_threads = 0;
  if (!flags.text("one-step").empty()) {
    const std::vector<std::string> job = split(flags.text("one-step"));
    const auto n = job.size() == 3 ? cli::whole_number(job[2], 1, 1024) : std::nullopt;
    if (!n || (job[0] != "tiny" && job[0] != "small" && job[0] != "medium") ||
        std::find(ffn_kinds.begin(), ffn_kinds.end(), job[1]) == ffn_kinds.end())
      flags.bad("one-step", "must be CONFIG,FFN,THREADS (tiny|small|medium, an FFN kind, 1..1024)");
    job_config = job[0], job_ffn = job[1], job_threads = static_cast<int>(*n);
  }

  return cli::run_main("bench", [&] {
    if (!job_config.empty()) {  // the child process of a step figure
      step_figure(job_config, job_ffn, job_threads, warmup, steps);
      return 0;
    }

    if (only == "all" || only == "peak")
      for (int t : thread_counts) std::printf("peak threads=%d gflops=%.1f\n", t, peak_gflops(t));
    if (only == "all" || only == "matmul") {
      for (int t : thread_counts) {
        set_num_threads(t);
        for (std::int64_t n : {64, 128, 256, 512, 1024})
          std::printf("matmul n=%lld threads=%d gflops=%.1f\n", static_cast<long long>(n), t,
                      matmul_gflops(1, n, n, n, reps));
        // The tiny transformer's products: the fused q/k/v projection and the FFN's (batch 32
        // x seq 32 = 1024 rows), and one layer's attention scores (32 x 4 heads = 128 matrices).
        for (auto [B, M, K, N] : {std::array<std::int64_t, 4>{1, 1024, 64, 192},
                                  {1, 1024, 64, 176},
                                  {1, 1024, 176, 64},
                                  {128, 32, 16, 32}})
          std::printf("matmul shape=%lldx%lldx%lld batch=%lld threads=%d gflops=%.1f\n",
                      static_cast<long long>(M), static_cast<long long>(K),
                      static_cast<long long>(N), static_cast<long long>(B), t,
                      matmul_gflops(B, M, K, N, reps));
        std::fflush(stdout);
      }
    }
    if (only == "all" || only == "attention")
      for (int t : thread_counts) {
        set_num_threads(t);
        for (const std::string& c : configs)
          std::printf("attention config=%s threads=%d ms=%.3f\n", c.c_str(), t,
                      attention_ms(c, reps));
        std::fflush(stdout);
      }
    if (only == "all" || only == "step") {
      // Each configuration in a fresh process (this program again), so peak RSS is its own.
      char self[4096] = {};
      if (readlink("/proc/self/exe", self, sizeof self - 1) <= 0)
        fail("bench", "cannot find this program's path in /proc/self/exe");
      for (int t : thread_counts)
        for (const std::string& c : configs)
          for (const std::string& f : ffns) {
            // The child gets its arguments as a list, never through a shell: a path holding a
            // quote or a ';' is only a path (issue 26 ran `touch` from a folder named so).
            std::vector<std::string> args = {self,
                                             "--one-step",
                                             c + "," + f + "," + std::to_string(t),
                                             "--warmup",
                                             std::to_string(warmup),
                                             "--steps",
                                             std::to_string(steps)};
            if (flags.on("reference")) args.push_back("--reference");
            std::vector<char*> argv;
            for (std::string& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            std::fflush(stdout);
            pid_t child = 0;
            if (const int error = posix_spawn(&child, self, nullptr, nullptr, argv.data(), environ))
              fail("bench", "cannot start '", self, "': ", std::strerror(error));
            int status = 0;
            while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
            }
            // A child ended by a signal (Ctrl-C reaches the whole foreground group) ends the
            // benchmark with the same status.
            if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
              fail("bench", "the step benchmark of ", c, ",", f, ",", t, " threads failed");
          }
    }
    if (only == "all" || only == "flops")
      for (const std::string& c : configs)
        for (const std::string& f : ffns)
          std::printf("step_flops config=%s ffn=%s gflop=%.3f\n", c.c_str(), f.c_str(),
                      step_gflop(c, f));
    if (only == "all" || only == "generate")
      for (int t : thread_counts) {
        set_num_threads(t);
        const std::int64_t n = 256;
        const auto [uncached_tokens, uncached] = generation_speed(false, n);
        const auto [cached_tokens, cached] = generation_speed(true, n);
        for (auto [on, speed] : {std::pair{"off", uncached}, {"on", cached}})
          std::printf("generate config=small threads=%d new=%lld kv_cache=%s tokens_per_s=%.0f\n",
                      t, static_cast<long long>(n), on, speed);
        std::printf("generate_speedup config=small threads=%d ratio=%.1f same_tokens=%s\n", t,
                    cached / uncached, cached_tokens == uncached_tokens ? "yes" : "no");
        std::fflush(stdout);
      }
    if (only == "all" || only == "second")
      for (int t : thread_counts) {
        set_num_threads(t);
        for (const std::string& c : configs) {
          const auto [g, h] = hvp_ms(c, reps);
          std::printf("hvp config=%s threads=%d grad_ms=%.2f hvp_ms=%.2f ratio=%.2f\n", c.c_str(),
                      t, g, h, h / g);
        }
        if (t == 1)
          for (auto [n, m] : {std::pair<std::int64_t, std::int64_t>{256, 4}, {4, 256}, {64, 64}}) {
            const auto [rev, fwd] = jacobian_ms(n, m, reps);
            std::printf("jacobian n=%lld m=%lld reverse_ms=%.3f forward_ms=%.3f\n",
                        static_cast<long long>(n), static_cast<long long>(m), rev, fwd);
          }
        std::fflush(stdout);
      }
    if (only == "all" || only == "overhead") {
      set_num_threads(1);
      std::printf("op_overhead_us=%.3f\n", op_overhead_us());
    }
    return 0;
  });
}
