// core/fast/parallel.cpp — see parallel.hpp (fast floor).
//
// The pool keeps threads - 1 workers waiting (spinning briefly, then asleep on a condition
// variable). A job is published under a mutex with a new generation number; workers and the caller
// then claim task numbers from an atomic counter until none are left (so a slow task does not hold
// up the others' remaining work), and the caller waits until every worker has left the job.
#include "core/fast/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/error.hpp"

namespace tg {

namespace {

thread_local bool inside_task = false;  // nested parallel_for calls run inline

// Waiting costs: a thread asleep on a condition variable takes several microseconds to wake,
// and a training step starts hundreds of small parallel jobs. So a thread first spins for a
// moment, watching an atomic, and only then sleeps.
constexpr auto kSpin = std::chrono::microseconds(50);

template <class Ready>
bool spin_until(Ready ready) {
  const auto until = std::chrono::steady_clock::now() + kSpin;
  do {
    if (ready()) return true;
  } while (std::chrono::steady_clock::now() < until);
  return false;
}

class Pool {
 public:
  // Throws tg::Error when the system will not start all the threads (a limit on processes or
  // on address space for their stacks): the ones that did start are stopped and joined first, so
  // nothing is left waiting on a pool that will never run.
  explicit Pool(int threads) {
    try {
      for (int t = 1; t < threads; ++t) workers_.emplace_back([this] { work(); });
    } catch (const std::exception& e) {
      const std::size_t started = workers_.size() + 1;  // the caller's thread counts as one
      stop_and_join();
      fail("set_num_threads", "could start only ", started, " of ", threads,
           " threads (the system said: ", e.what(), "); ask for fewer with --threads");
    }
  }
  ~Pool() { stop_and_join(); }
  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs the job on all threads; false (nothing run) when another thread's job is under way.
  bool try_run(std::int64_t tasks, const std::function<void(std::int64_t)>& fn) {
    std::unique_lock<std::mutex> busy(submit_, std::try_to_lock);
    if (!busy.owns_lock()) return false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = &fn;
      tasks_ = tasks;
      next_ = 0;
      active_ = static_cast<int>(workers_.size());
      error_ = nullptr;
      generation_.fetch_add(1, std::memory_order_release);  // publishes the job's fields
    }
    wake_.notify_all();
    claim_tasks();
    if (!spin_until([this] { return active_.load(std::memory_order_acquire) == 0; })) {
      std::unique_lock<std::mutex> lock(mutex_);
      finished_.wait(lock, [this] { return active_.load() == 0; });
    }
    std::lock_guard<std::mutex> lock(mutex_);
    job_ = nullptr;
    if (error_) std::rethrow_exception(error_);
    return true;
  }

 private:
  void stop_and_join() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (std::thread& w : workers_) w.join();
  }

  void claim_tasks() {
    inside_task = true;
    for (std::int64_t task = next_++; task < tasks_; task = next_++) {
      try {
        (*job_)(task);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!error_) error_ = std::current_exception();
      }
    }
    inside_task = false;
  }

  void work() {
    std::uint64_t seen = 0;
    for (;;) {
      auto news = [&] {
        return stop_.load() || generation_.load(std::memory_order_acquire) != seen;
      };
      if (!spin_until(news)) {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, news);
      }
      if (stop_) return;
      seen = generation_.load(std::memory_order_acquire);
      claim_tasks();
      if (active_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> lock(mutex_);  // so the wake-up cannot slip past the wait
        finished_.notify_one();
      }
    }
  }

  std::vector<std::thread> workers_;
  std::mutex submit_;  // one job at a time
  std::mutex mutex_;   // guards the job's fields while they are set, and the sleeping
  std::condition_variable wake_, finished_;
  const std::function<void(std::int64_t)>* job_ = nullptr;
  std::int64_t tasks_ = 0;
  std::atomic<std::int64_t> next_{0};
  std::atomic<int> active_{0};                // workers still inside the current job
  std::atomic<std::uint64_t> generation_{0};  // +1 per job: a worker runs each job once
  std::atomic<bool> stop_{false};
  std::exception_ptr error_;
};

std::mutex pool_mutex;  // guards `pool` itself (replaced by set_num_threads)
std::shared_ptr<Pool> pool;

int default_threads() {
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

std::shared_ptr<Pool> current_pool() {
  std::lock_guard<std::mutex> lock(pool_mutex);
  if (!pool) pool = std::make_shared<Pool>(default_threads());
  return pool;
}

}  // namespace

void set_num_threads(int threads) {
  if (threads < 1 || threads > 1024)
    fail("set_num_threads", "needs 1..1024 threads, got ", threads);
  std::lock_guard<std::mutex> lock(pool_mutex);
  if (!pool || pool->threads() != threads) pool = std::make_shared<Pool>(threads);
}

int get_num_threads() {
  return current_pool()->threads();
}

void parallel_for(std::int64_t tasks, const std::function<void(std::int64_t)>& fn) {
  if (tasks <= 0) return;
  if (tasks > 1 && !inside_task) {
    const std::shared_ptr<Pool> p = current_pool();  // kept alive while in use
    if (p->threads() > 1 && p->try_run(tasks, fn)) return;
  }
  for (std::int64_t task = 0; task < tasks; ++task) fn(task);
}

void parallel_for_range(std::int64_t n, std::int64_t grain,
                        const std::function<void(std::int64_t, std::int64_t)>& fn) {
  if (n <= 0) return;
  const std::int64_t pieces =
      std::min<std::int64_t>(n / std::max<std::int64_t>(grain, 1), 4 * get_num_threads());
  if (pieces < 2) return fn(0, n);
  parallel_for(pieces, [&](std::int64_t p) { fn(n * p / pieces, n * (p + 1) / pieces); });
}

}  // namespace tg
