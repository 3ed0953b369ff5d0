#!/usr/bin/env bash
# What docs/course.md shows of a course program's output is what the program prints: runs the
# command and requires every line it prints that matches FILTER to be a line of PAGE, so the page
# and the program cannot drift apart. Passes only if the command exits with STATUS.
#   check_shown_in_docs.sh PAGE FILTER STATUS COMMAND...
set -u
page=$1 filter=$2 want=$3
shift 3
out=$("$@" 2>&1)
status=$?
[ "$status" -eq "$want" ] || { printf '%s\n' "$out"; echo "FAILED: exit $status, expected $want"; exit 1; }
shown=$(printf '%s\n' "$out" | grep -E -- "$filter" | sed -E 's/^ *logged: //')
[ -n "$shown" ] || { printf '%s\n' "$out"; echo "FAILED: nothing printed matches '$filter'"; exit 1; }
failures=0
while IFS= read -r line; do
  if grep -qxF -- "$line" "$page"; then
    echo "ok: shown: $line"
  else
    echo "FAILED: $page does not show this line as printed: $line"
    failures=$((failures + 1))
  fi
done <<<"$shown"
exit $((failures > 0))
