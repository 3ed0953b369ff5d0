#!/usr/bin/env bash
# Runs a command and checks its exit status and its output (stdout and stderr together):
#   tests/examples/expect.sh STATUS REGEX COMMAND...
# passes when the command exits with STATUS and some line of its output matches the extended
# regular expression REGEX. CTest's PASS_REGULAR_EXPRESSION alone ignores the exit status; a
# program that prints the right message but exits 0 (or dies of a signal) must fail.
set -u
want=$1
regex=$2
shift 2
output=$("$@" 2>&1)
status=$?
if [ "$status" -ne "$want" ]; then
  printf '%s\n' "$output" | head -20
  echo "FAILED: exit status $status, expected $want: $*"
  exit 1
fi
if ! printf '%s\n' "$output" | grep -Eq -- "$regex"; then
  printf '%s\n' "$output" | head -20
  echo "FAILED: no line matches '$regex': $*"
  exit 1
fi
echo "ok: status $status and '$regex': $*"
