#!/usr/bin/env bash
# SIGINT (Ctrl-C) and SIGTERM (kill, timeout, a job scheduler) in every phase of train_transformer:
# during training they save and exit with 128 + the signal; anywhere else (a file that will not
# open, an evaluation, generating text) they stop the program promptly with that status and
# without a word that promises a save.
#   tests/examples/check_signals.sh build/bin/train_transformer WORKDIR
set -u
program=$(realpath "$1")
. "$(dirname "$0")/checks.sh" "$2"  # the work folder, check and finish
wait_for() {  # wait_for FILE PATTERN: up to 60 s until FILE has a line matching PATTERN
  for _ in $(seq 600); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
# stopped_within SECONDS PID: waits for PID to end, at most SECONDS; its status in $status.
stopped_within() {
  for _ in $(seq $(($1 * 10))); do
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$2" 2>/dev/null; then kill -KILL "$2"; wait "$2"; status=999; return 1; fi
  wait "$2"
  status=$?
  return 0
}
no_save_promised() { ! grep -Eq "then saving|saved to" "$1"; }
run=(--batch 4 --stop-at 0 --eval-every 10 --eval-batch 16)

# 1. SIGTERM during training: saved, exit 143, and the run resumes.
"$program" "${run[@]}" --steps 100000 --loss-log a.log --save a >a.out 2>a.err &
pid=$!
wait_for a.log '^3 '
kill -TERM $pid
check "SIGTERM in training: stops within 10 s" stopped_within 10 $pid
check "SIGTERM in training: exit status 143" test "$status" -eq 143
check "SIGTERM in training: saved" grep -q "interrupted after step .*: saved to a" a.out
"$program" --resume a --steps $(($(sed -n 's/^interrupted after step \([0-9]*\).*/\1/p' a.out) + 1)) >a2.out
check "SIGTERM in training: the saved run resumes" test $? -eq 0

# 2. SIGINT during an evaluation inside training (a large --eval-batch, in chunks): stops within
# a chunk or two, saves, exit 130.
"$program" "${run[@]}" --steps 100 --eval-every 5 --eval-batch 1000000 --loss-log b.log --save b \
  >b.out 2>b.err &
pid=$!
wait_for b.log '^5 '
sleep 0.5
kill -INT $pid
check "SIGINT in an evaluation in training: stops within 10 s" stopped_within 10 $pid
check "SIGINT in an evaluation in training: exit status 130" test "$status" -eq 130
check "SIGINT in an evaluation in training: saved after step 5" \
  grep -q "interrupted after step 5: saved to b" b.out

# A text model with long sequences, whose evaluation and generation take a while.
for i in $(seq 3000); do echo "line $i of a text that the model reads, with some words"; done >text
"$program" --text text --seq 256 --d-model 128 --steps 1 --save t >t.out || echo "FAILED: setup"

# 3. SIGINT while evaluating a loaded model (no training): exit 130 at once, no save promised.
"$program" --load t --eval-batch 1000000 >c.out 2>c.err &
pid=$!
wait_for c.out '^task '
sleep 0.5
kill -INT $pid
check "SIGINT in an evaluation: stops within 5 s" stopped_within 5 $pid
check "SIGINT in an evaluation: exit status 130" test "$status" -eq 130
check "SIGINT in an evaluation: no save promised" no_save_promised c.err

# 4. SIGTERM while generating 10000 tokens: exit 143 at once, no save promised.
"$program" --load t --eval-batch 1 --generate "line " --max-new 10000 >d.out 2>d.err &
pid=$!
wait_for d.out '^evaluation: '
sleep 0.5
kill -TERM $pid
check "SIGTERM while generating: stops within 5 s" stopped_within 5 $pid
check "SIGTERM while generating: exit status 143" test "$status" -eq 143
check "SIGTERM while generating: no save promised" no_save_promised d.err

# 5. SIGINT while a file opens: a FIFO that nobody writes blocks the open.
mkfifo fifo
"$program" --text fifo >e.out 2>e.err &
pid=$!
sleep 1
kill -INT $pid
check "SIGINT while a file opens: stops within 5 s" stopped_within 5 $pid
check "SIGINT while a file opens: exit status 130" test "$status" -eq 130
check "SIGINT while a file opens: no save promised" no_save_promised e.err

finish
