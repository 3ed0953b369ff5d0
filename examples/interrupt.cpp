// examples/interrupt.cpp — see interrupt.hpp.
#include "interrupt.hpp"

#include <unistd.h>

#include <csignal>

namespace tg::interrupt {

namespace {
volatile std::sig_atomic_t signal_number = 0;  // the first SIGINT or SIGTERM that arrived
volatile std::sig_atomic_t training = 0;       // 1 while Phase::Training

void say(const char* text, std::size_t length) {
  (void)!::write(STDERR_FILENO, text, length);
}

extern "C" void on_signal(int sig) {
  if (!training) {  // nothing to save: stop now, and say that nothing was saved
    const char message[] = "\ninterrupted: stopping (nothing to save)\n";
    say(message, sizeof message - 1);
    ::_exit(128 + sig);  // the shell's convention for "ended by this signal"
  }
  if (signal_number != 0) {
    const char message[] = "\ninterrupted again: exiting without saving\n";
    say(message, sizeof message - 1);
    ::_exit(128 + sig);
  }
  signal_number = sig;
  const char message[] =
      "\ninterrupt: finishing this step, then saving (Ctrl-C again to quit now)\n";
  say(message, sizeof message - 1);
}
}  // namespace

void install() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  action.sa_flags = SA_RESTART;  // a read or write under way continues rather than failing
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  std::signal(SIGXFSZ, SIG_IGN);
}

void set_phase(Phase phase) {
  training = phase == Phase::Training ? 1 : 0;
}

bool requested() {
  return signal_number != 0;
}

int exit_status() {
  return 128 + (signal_number != 0 ? static_cast<int>(signal_number) : SIGINT);
}

}  // namespace tg::interrupt
