// Reliability: two models trained at once in two threads, and memory that stays flat over a long
// run.
#include <unistd.h>

#include <fstream>
#include <thread>

#include "activations/activations.hpp"
#include "core/fast/memory_pool.hpp"
#include "core/fast/parallel.hpp"
#include "helpers.hpp"
#include "layers/optim.hpp"
#include "layers/transformer.hpp"
#include "tasks.hpp"
#include "tiny_model.hpp"
#include "training.hpp"

using namespace tg;
using namespace tg::testing;

namespace {
// Trains a tiny model on `task` for `steps` steps; returns the losses. Everything it touches is
// its own (model, optimizer, generator), and the tape and grad mode are per thread.
std::vector<double> train(const std::string& task_name, std::uint64_t seed, int steps) {
  auto task = tasks::make_synthetic(task_name);
  Generator gen(seed);
  nn::Transformer model(tiny_model(task->vocab(), task->seq_len()), gen);
  optim::AdamW opt(model.parameters());
  std::vector<double> losses;
  for (int s = 0; s < steps; ++s) {
    losses.push_back(training::train_step(model, opt, task->sample(4, gen)));
  }
  return losses;
}

// Resident memory of this process in kilobytes (Linux: the second field of /proc/self/statm, in
// pages).
long resident_kb() {
  std::ifstream statm("/proc/self/statm");
  long size = 0, resident = 0;
  statm >> size >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;  // its quarantine holds freed memory on purpose
#else
constexpr bool kAddressSanitizer = false;
#endif
}  // namespace

TEST_CASE("two models trained at once in two threads equal the one-at-a-time results") {
  const std::vector<double> alone_a = train("reverse", 1, 15), alone_b = train("sort", 2, 15);
  std::vector<double> a, b;
  std::thread ta([&] { a = train("reverse", 1, 15); });
  std::thread tb([&] { b = train("sort", 2, 15); });
  ta.join();
  tb.join();
  CHECK(a == alone_a);
  CHECK(b == alone_b);
}

TEST_CASE("memory stays flat over a long run: RSS after 2000 steps within 5% of after 100") {
  auto task = tasks::make_synthetic("reverse");
  Generator gen(3);
  nn::Transformer model(tiny_model(task->vocab(), task->seq_len(), 8), gen);
  optim::AdamW opt(model.parameters());
  long after_100 = 0;
  for (int step = 1; step <= 2000; ++step) {
    training::train_step(model, opt, task->sample(2, gen));
    if (step == 100) after_100 = resident_kb();
  }
  const long after_2000 = resident_kb();
  MESSAGE("resident memory after 100 steps: " << after_100 << " kB, after 2000: " << after_2000
                                              << " kB");
  CHECK(current_tape().size() == 0);
  if (!kAddressSanitizer)
    CHECK(static_cast<double>(after_2000) <= 1.05 * static_cast<double>(after_100));
}

TEST_CASE("after warm-up, a training step takes every buffer from the pool") {
  fast::Scope fast_floor;  // the pool is the fast floor's
  auto task = tasks::make_synthetic("reverse");
  Generator gen(5);
  nn::Transformer model(tiny_model(task->vocab(), task->seq_len()), gen);
  optim::AdamW opt(model.parameters());
  for (int step = 0; step < 3; ++step) training::train_step(model, opt, task->sample(4, gen));
  const MemoryPoolStats before = memory_pool_stats();
  for (int step = 0; step < 5; ++step) training::train_step(model, opt, task->sample(4, gen));
  const MemoryPoolStats after = memory_pool_stats();
  MESSAGE("5 steps: " << after.requests - before.requests << " tensor buffers, "
                      << after.from_system - before.from_system << " from the system");
  CHECK(after.requests > before.requests + 100);  // the steps did allocate, from the pool
  CHECK(after.from_system == before.from_system);
}

TEST_CASE("10000 double-backward steps keep the tape and memory flat (tg::grad and .grad)") {
  // A gradient penalty (Drucker & LeCun 1992) on a small MLP: loss + |d loss / d x|^2, trained.
  // Each step differentiates a recorded backward pass; the records it leaves off the path of the
  // final backward (and a .grad with a history, when backward(create_graph) is used) must go.
  Generator gen(9);
  nn::Linear l1(2, 16, gen), l2(16, 1, gen);
  std::vector<Tensor> params = l1.parameters();
  for (const Tensor& p : l2.parameters()) params.push_back(p);
  optim::SGD opt(params, {0.01});
  const Tensor x0 = randn({8, 2}, gen), t = randn({8, 1}, gen);
  for (bool use_grad : {true, false}) {
    CAPTURE(use_grad);
    long rss_1000 = 0;  // after the allocator has settled (it grows ~5% in the first 1000 steps)
    std::size_t tape_100 = 0;
    for (int step = 1; step <= 10000; ++step) {
      Tensor x = x0.detach().clone();
      x.requires_grad_(true);
      const Tensor y = l2(tanh(l1(x)));
      const Tensor loss = mean((y - t) * (y - t));
      Tensor dx;
      if (use_grad) {
        dx = grad({loss}, {x}, {}, /*create_graph=*/true)[0];
      } else {
        loss.backward(Tensor(), /*retain_graph=*/true, /*create_graph=*/true);
        dx = x.grad();
        opt.zero_grad();  // the parameters' .grad from this pass have a history: let it go
      }
      (loss + sum(dx * dx)).backward();
      opt.step();
      opt.zero_grad();
      if (step == 100) tape_100 = current_tape().size();
      if (step == 1000) rss_1000 = resident_kb();
    }
    MESSAGE("use_grad " << use_grad << ": tape " << tape_100 << " -> " << current_tape().size()
                        << " records, resident " << rss_1000 << " -> " << resident_kb() << " kB");
    CHECK(current_tape().size() == tape_100);
    CHECK(current_tape().size() < 50);
    if (!kAddressSanitizer)
      CHECK(static_cast<double>(resident_kb()) <= 1.05 * static_cast<double>(rss_1000));
  }
  current_tape().clear();
}
