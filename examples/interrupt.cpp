// examples/interrupt.cpp — see interrupt.hpp.
#include "interrupt.hpp"

#include <unistd.h>

#include <csignal>

namespace tg::interrupt {

namespace {
volatile std::sig_atomic_t interrupts = 0;

extern "C" void on_sigint(int) {
  if (interrupts > 0) {
    const char message[] = "\ninterrupted again: exiting without saving\n";
    (void)!::write(STDERR_FILENO, message, sizeof message - 1);
    ::_exit(130);  // 128 + SIGINT, the shell's convention for "ended by Ctrl-C"
  }
  interrupts = 1;
  const char message[] = "\ninterrupt: finishing this step, then saving (Ctrl-C again to quit now)\n";
  (void)!::write(STDERR_FILENO, message, sizeof message - 1);
}
}  // namespace

void install() {
  struct sigaction action {};
  action.sa_handler = on_sigint;
  action.sa_flags = SA_RESTART;  // a read or write under way continues rather than failing
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  std::signal(SIGXFSZ, SIG_IGN);
}

bool requested() { return interrupts > 0; }

}  // namespace tg::interrupt
