// examples/interrupt.hpp — Ctrl-C (SIGINT) and SIGTERM that never lose a training run and never
// leave a program hanging.
//
// Layer: examples. install() sets process-wide signal dispositions, which is why only a
// program's main() calls it:
//   SIGINT, SIGTERM  what happens depends on the phase the program says it is in:
//     Phase::Training  the first signal only raises a flag; the training loop reads it after each
//                      step (and the evaluation between chunks), saves a checkpoint and exits
//                      with 128 + the signal's number (130 for Ctrl-C, 143 for SIGTERM, which is
//                      what `timeout`, `kill` and job schedulers send). A second signal exits at
//                      once, for when saving itself hangs.
//     Phase::Other     (reading files, evaluating a loaded model, generating text, ...): there is
//                      nothing to save, so the program stops at once, saying so, with the same
//                      exit status. It never promises a save it will not make.
//   A signal handler may do almost nothing safely (no allocation, no locks, no iostreams):
//   setting a std::sig_atomic_t and calling write() and _exit() are among the few things
//   allowed, and that is all these handlers do.
//   SIGXFSZ  ignored, so that writing past a file-size limit (ulimit -f) fails with an error
//            message, like a full disk, instead of killing the program.
#pragma once

namespace tg::interrupt {

enum class Phase { Other, Training };

void install();
// Which kind of phase the program is in now (Other until told otherwise).
void set_phase(Phase phase);
// Whether SIGINT or SIGTERM has arrived during training.
bool requested();
// The exit status for the signal that arrived: 128 + its number (130 when none did).
int exit_status();

}  // namespace tg::interrupt
