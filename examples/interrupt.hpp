// examples/interrupt.hpp — Ctrl-C that does not lose a training run.
//
// Layer: examples. install() sets two process-wide signal dispositions, which is why only a
// program's main() calls it:
//   SIGINT   the first Ctrl-C only raises a flag; the training loop reads it after each step,
//            saves a checkpoint and exits. A second Ctrl-C exits at once (status 130), for when
//            saving itself hangs. A signal handler may do almost nothing safely (no allocation,
//            no locks, no iostreams): setting a std::sig_atomic_t and calling write() and
//            _exit() are among the few things allowed.
//   SIGXFSZ  ignored, so that writing past a file-size limit (ulimit -f) fails with an error
//            message, like a full disk, instead of killing the program.
#pragma once

namespace tg::interrupt {

void install();
// Whether Ctrl-C (SIGINT) has arrived since install().
bool requested();

}  // namespace tg::interrupt
