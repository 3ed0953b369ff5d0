#!/usr/bin/env bash
# Interrupted runs: Ctrl-C, a second Ctrl-C, a crash (kill -9), a full disk and an unwritable
# folder, each checked against an uninterrupted run of the same seed. The loss logs ("step
# loss" per line, 9 significant digits) must agree line for line: resuming is exact, not close.
#   tests/examples/check_resume.sh build/bin/train_transformer WORKDIR
set -u
program=$(realpath "$1")
. "$(dirname "$0")/checks.sh" "$2"  # the work folder, check and finish
run=(--steps 40 --batch 4 --stop-at 0 --eval-every 10 --eval-batch 16)
lines_of() { wc -l <"$1"; }
# Waits (up to 60 s) until FILE has at least N lines.
wait_lines() {
  for _ in $(seq 600); do
    [ -f "$1" ] && [ "$(lines_of "$1")" -ge "$2" ] && return 0
    sleep 0.1
  done
  return 1
}
# crash_after_12_steps DIR [LOG]: a long run saving into DIR every 5 steps (loss log LOG, by
# default DIR.log), killed with SIGKILL once its log has 12 lines.
crash_after_12_steps() {
  local log=${2:-$1.log}
  "$program" "${run[@]}" --steps 100000 --loss-log "$log" --save "$1" --save-every 5 >"$1.out" &
  local pid=$!
  wait_lines "$log" 12
  kill -KILL $pid
  wait $pid 2>/dev/null
}
# The lines of the uninterrupted log from step FROM on.
expected_from() { tail -n +"$1" full.log; }

"$program" "${run[@]}" --loss-log full.log >full.out || { echo "FAILED: the uninterrupted run"; exit 1; }
check "the uninterrupted run logs 40 steps" test "$(lines_of full.log)" -eq 40

# 1. Ctrl-C, simulated during step 12: exit status 130, then --resume continues exactly.
"$program" "${run[@]}" --loss-log a.log --save a --simulate-interrupt 12 >a.out 2>a.err
check "an interrupted run exits with status 130" test $? -eq 130
check "an interrupted run says how to continue" grep -q "continue with --resume a" a.out
"$program" --resume a --loss-log a2.log >a2.out
check "the resumed run finishes" test $? -eq 0
check "interrupted + resumed = uninterrupted, to 9 digits" cmp -s <(cat a.log a2.log) full.log

# 2. A real SIGINT, sent while training: the same, from wherever it landed.
"$program" "${run[@]}" --steps 100000 --loss-log b.log --save b >b.out 2>b.err &
pid=$!
wait_lines b.log 3
kill -INT $pid
wait $pid
check "SIGINT: exit status 130" test $? -eq 130
check "SIGINT: the run was saved" grep -q "interrupted after step" b.out
step=$(sed -n 's/^interrupted after step \([0-9]*\).*/\1/p' b.out)
if [ -n "$step" ] && [ "$step" -lt 40 ]; then
  "$program" --resume b --steps 40 --loss-log b2.log >b2.out
  check "SIGINT: resumed after step $step, the curve continues exactly" \
    cmp -s b2.log <(expected_from $((step + 1)))
fi

# 3. Two SIGINTs at once: the program exits at once, with status 130.
"$program" "${run[@]}" --steps 100000 --loss-log c.log --save c >c.out 2>c.err &
pid=$!
wait_lines c.log 3
kill -INT $pid
kill -INT $pid
wait $pid
check "two SIGINTs: exit status 130" test $? -eq 130

# 4. A crash (kill -9) between periodic saves: the last checkpoint resumes exactly.
crash_after_12_steps d
"$program" --resume d --steps 40 --loss-log d2.log >d2.out
check "after kill -9, the last checkpoint loads" test $? -eq 0
step=$(sed -n 's/^resumed d after step \([0-9]*\).*/\1/p' d2.out)
check "after kill -9, resumed from a multiple of --save-every" test $((step % 5)) -eq 0
check "after kill -9, the curve continues exactly" cmp -s d2.log <(expected_from $((step + 1)))

# 5. A full disk (simulated by a 64 KB file-size limit; the weights need ~430 KB): a clear
# error, and the previous checkpoint is intact.
cp a/checkpoint.safetensors before.safetensors
(ulimit -f 64 && exec "$program" --resume a --steps 45 --loss-log e1.log >e.out 2>e.err)
check "full disk: exit status 1" test $? -eq 1
check "full disk: found out before training (the save before step 1), no step run" test ! -s e1.log
check "full disk: the error names the file" grep -q "writing 'a/model.safetensors.tmp\.[0-9]*\.[0-9]*' failed" e.err
check "full disk: the previous checkpoint is intact" cmp -s a/checkpoint.safetensors before.safetensors
check "full disk: no temporary file is left" test -z "$(ls a | grep '\.tmp\.')"
"$program" --resume a --steps 41 --loss-log e2.log >e2.out
check "full disk: the intact checkpoint (step 40) still resumes" grep -q "^41 " e2.log

# 6. A folder that cannot be written: a file where it should be, or (not as root) no permission.
"$program" "${run[@]}" --steps 2 --save a/config.json/sub >f.out 2>f.err
check "unwritable folder: exit status 1" test $? -eq 1
check "unwritable folder: a clear error" grep -q "save: cannot create the folder 'a/config.json/sub'" f.err
if [ "$(id -u)" != 0 ]; then
  chmod a-w a
  "$program" --resume a --steps 45 >g.out 2>g.err
  check "read-only folder: exit status 1" test $? -eq 1
  chmod u+w a
  check "read-only folder: the checkpoint is intact" cmp -s a/checkpoint.safetensors before.safetensors
fi

# 7. A damaged checkpoint: a clear error naming the file, never a crash.
mkdir -p h && cp a/config.json a/vocab.json h/ && head -c 1000 a/checkpoint.safetensors >h/checkpoint.safetensors
"$program" --resume h >h.out 2>h.err
check "damaged checkpoint: exit status 1" test $? -eq 1
check "damaged checkpoint: the error names the file" grep -q "h/checkpoint.safetensors" h.err

# 8. --resume into the same --loss-log after a crash: the log keeps its lines up to the
# checkpoint's step, drops the ones after it (those steps run again) and continues; it ends equal
# to the uninterrupted run's log.
crash_after_12_steps s same.log
"$program" --resume s --steps 40 --loss-log same.log >s2.out
check "resume with the same loss log: the log continues, equal to the uninterrupted one" \
  cmp -s same.log full.log

finish
