#!/usr/bin/env bash
# The course run's second stage (compare_losses.cpp) tells right from wrong: equal losses pass;
# a loss 1e-3 off at step 7, a NaN, or a missing step fails naming that step; a bad command line
# or an unreadable file exits 2.
#   check_compare_losses.sh COMPARE_LOSSES WORK_DIR
set -u
tool=$1 work=$2
mkdir -p "$work"
failures=0
expect() {  # expect STATUS REGEX ARGS...
  local want=$1 regex=$2
  shift 2
  out=$("$tool" "$@" 2>&1)
  status=$?
  if [ "$status" -eq "$want" ] && grep -qE -- "$regex" <<<"$out"; then
    echo "ok: exit $status: $out"
  else
    echo "FAILED: $* exited $status (expected $want, matching '$regex'): $out"
    failures=$((failures + 1))
  fi
}
for s in $(seq 1 20); do echo "$s 2.$s"; done > "$work/ref.txt"
awk '{printf "%d %.12g\n", $1, $2 * (1 + 1e-6)}' "$work/ref.txt" > "$work/close.txt"
awk '$1 == 7 {$2 = $2 * 1.001} {print}' "$work/ref.txt" > "$work/off.txt"
awk '$1 == 3 {$2 = "nan"} {print}' "$work/ref.txt" > "$work/nan.txt"
head -n 12 "$work/ref.txt" > "$work/short.txt"
expect 0 "first 20 steps" "$work/ref.txt" "$work/close.txt" 20 1e-4
expect 1 "loss at step 7 is 2.7027" "$work/ref.txt" "$work/off.txt" 20 1e-4
expect 1 "loss at step 3 is nan" "$work/ref.txt" "$work/nan.txt" 20 1e-4
expect 1 "step 13 is missing" "$work/ref.txt" "$work/short.txt" 20 1e-4
expect 2 "cannot read" "$work/ref.txt" "$work/none.txt" 20 1e-4
expect 2 "STEPS must be" "$work/ref.txt" "$work/ref.txt" zero 1e-4
expect 2 "usage" "$work/ref.txt"
exit $((failures > 0))
