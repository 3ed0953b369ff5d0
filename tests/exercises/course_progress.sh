#!/usr/bin/env bash
# The learner's progress through the course's engine pieces (docs/course.md): for each piece,
# whether it is still the engine's own, to write, or written (course_copy status), and whether
# its checks pass on your copy; for a failing piece, the first thing its check says is wrong.
#   course_progress.sh COURSE_COPY SOURCE_DIR WORK_DIR ENGINE_PIECES
set -u
tool=$1 root=$2 work=$3 pieces=$4
status=$("$tool" "$root" "$work" status) || exit 1
passed=0 total=0
walk_fails=no  # ex19's checks, run once before the table
"$pieces" -tc="ex19*" > /dev/null 2>&1 || walk_fails=yes
echo "piece  in your copy       checks  files"
while IFS= read -r line; do  # course_copy's columns: piece, state (16 wide), files
  piece=${line:0:4} state=${line:6:16} rest=${line:24}
  total=$((total + 1))
  out=$("$pieces" -tc="$piece*" 2>&1)
  code=$?
  # What the first failure says: its logged words, else the exception, the crash or the
  # failure's own text, else the name of the check that failed.
  why=$(printf '%s\n' "$out" | grep -m1 -E "logged: |THREW exception: |CRASHED: " |
        sed -E 's/^.*(logged|THREW exception|CRASHED): //')
  [ -n "$why" ] || why=$(printf '%s\n' "$out" | grep -m1 "FATAL ERROR: " | sed 's/^.*FATAL ERROR: //')
  [ -n "$why" ] || why=$(printf '%s\n' "$out" | grep -m1 "^TEST CASE:" | sed 's/^TEST CASE: */failed: /')
  other=$(grep -oE "\(ex[0-9][0-9]\)" <<<"$why" | head -1 | tr -d '()')
  # Every piece's checks but a few run a backward pass, so while the walk fails, theirs say
  # nothing of their own: they wait for it.
  [ "$piece" != ex19 ] && [ "$walk_fails" = yes ] && other=ex19
  if [ "$code" -eq 0 ]; then
    verdict="pass"
    passed=$((passed + 1))
  elif [ -n "$other" ] && [ "$other" != "$piece" ]; then
    verdict="waits"  # its check runs through another piece that is not written yet
    why="its check runs through $other, which is not right yet: see $other"
  else
    verdict="FAIL"
  fi
  printf '%s  %s  %-6s  %s\n' "$piece" "$state" "$verdict" "$rest"
  [ "$verdict" = pass ] || [ -z "$why" ] || echo "       $why"
done <<<"$status"
echo "course: $passed of $total pieces pass their checks on your copy"
