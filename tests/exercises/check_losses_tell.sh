#!/usr/bin/env bash
# Why the course run has its first stage (docs/course.md, "The course run"): of two deliberate
# mistakes, the 20-step loss comparison catches one (ex08 without the mean's 1/N: Adam divides
# each step by the gradient's own size, so the losses drift apart only slowly) and not the other
# (ex02 keeping size-1 axes: no parameter of the toy transformer is broadcast along one). Only
# the pieces' checks catch both.
#   check_losses_tell.sh REFERENCE_TRAINER EX08_TRAINER EX02_TRAINER COMPARE_LOSSES WORK_DIR
set -u
reference=$1 ex08=$2 ex02=$3 compare=$4 work=$5
mkdir -p "$work"
run() {  # run NAME TRAINER [FLAGS...]
  local name=$1 trainer=$2
  shift 2
  "$trainer" "$@" --threads 1 --steps 20 --loss-log "$work/$name.txt" --out "$work/$name" \
    > "$work/$name.log" 2>&1 || { cat "$work/$name.log"; echo "FAILED: $trainer exited"; exit 1; }
}
run reference "$reference" --reference
run ex08 "$ex08"
run ex02 "$ex02"
failures=0
if out=$("$compare" "$work/reference.txt" "$work/ex08.txt" 20 1e-4); then
  echo "FAILED: ex08 without 1/N gives the engine's losses: $out"; failures=1
else
  echo "ok: ex08 without 1/N: $out"
fi
if out=$("$compare" "$work/reference.txt" "$work/ex02.txt" 20 1e-4); then
  echo "ok: ex02 keeping size-1 axes trains alike: $out"
else
  echo "FAILED: ex02's mistake now shows in training (docs/course.md says it does not): $out"
  failures=1
fi
exit $failures
