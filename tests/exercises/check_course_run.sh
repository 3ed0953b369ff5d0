#!/usr/bin/env bash
# The course's goal (docs/course.md): train_transformer_course reaches 99% on the reverse task,
# and every one of the seven pieces of the exercise files took part in the run.
#   tests/exercises/check_course_run.sh TRAIN_TRANSFORMER_COURSE
set -u
out=$("$1" --threads 1 2>&1)
status=$?
printf '%s\n' "$out" | grep -E "^(engine|reached|summary|course):"
[ "$status" -eq 0 ] || { echo "FAILED: exit status $status"; exit 1; }
printf '%s\n' "$out" | grep -q "^reached 99% evaluation accuracy at step" ||
  { echo "FAILED: the run did not reach 99%"; exit 1; }
calls=$(printf '%s\n' "$out" | grep "^course: your code ran ")
for piece in backward_walk reduce_to matmul_backward cross_entropy_grad rms_norm_backward \
             attention_backward adamw_step; do
  printf '%s\n' "$calls" | grep -qE "(ran |, )$piece [1-9]" ||
    { echo "FAILED: $piece did not run"; exit 1; }
done
echo "ok: 99% on the exercise files, with all seven pieces running"
