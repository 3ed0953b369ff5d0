#!/usr/bin/env bash
# A course run on an engine with a deliberate mistake (tests/exercises/mistakes/) must stop at
# its first stage, the pieces' checks, before any training, with a non-zero exit, and say what
# the mistake file's first line expects: the piece and, where the pattern shows it, the cause.
#   check_course_stops.sh EXPECT_REGEX COURSE_RUN_COMMAND...
set -u
expect=$1
shift
out=$("$@" 2>&1)
status=$?
printf '%s\n' "$out" | grep -E "^== [0-9]|^course:|logged:" | head -20
[ "$status" -ne 0 ] || { echo "FAILED: the course run passed"; exit 1; }
printf '%s\n' "$out" | grep -q "^== 2\." && { echo "FAILED: the course run went on to train"; exit 1; }
printf '%s\n' "$out" | grep -qE -- "$expect" || { echo "FAILED: nothing matched: $expect"; exit 1; }
echo "ok: the course run stopped at the pieces' checks and said: $(printf '%s\n' "$out" | grep -m1 -oE -- "$expect")"
