#!/usr/bin/env bash
# Every stub asks and the docs answer: for each tests/exercises/learner/exNN_*.cpp and each
# engine piece's stub tests/exercises/stubs/exNN.txt (what course_copy puts in your copy),
# - a learner file gives the loop command on one line: "//   cmake --build build --target exNN";
#   a piece's stub names its section, docs/exercises.md#exNN;
# - it carries no hints (they live in docs/exercises.md, so a learner opens them on purpose);
# - docs/exercises.md has a row for it, a "### exNN" section with Hint 1 and a folded Hint 2.
#   tests/exercises/check_stubs.sh SOURCE_DIR
set -u
root=$1
page=$root/docs/exercises.md
failures=0
fail() { echo "FAILED: $*"; failures=$((failures + 1)); }
for stub in "$root"/tests/exercises/learner/ex*.cpp "$root"/tests/exercises/stubs/ex*.txt; do
  ex=$(basename "$stub" | cut -c1-4)
  case $stub in
    *.cpp) grep -qx "//   cmake --build build --target $ex" "$stub" ||
             fail "$stub: no line '//   cmake --build build --target $ex'" ;;
    *) grep -q "docs/exercises.md#$ex" "$stub" || fail "$stub: does not name docs/exercises.md#$ex" ;;
  esac
  grep -qE "//[[:space:]]*Hints?( \(.*\))?:" "$stub" && fail "$stub: hints belong in docs/exercises.md#$ex"
  grep -q "^| \[$ex\](#$ex) |" "$page" || fail "$page: no row for $ex"
  section=$(awk -v h="### $ex" '$0 == h {on = 1; next} /^##/ {on = 0} on' "$page")
  [ -n "$section" ] || { fail "$page: no section '### $ex'"; continue; }
  grep -q "Hint 1" <<<"$section" || fail "$page#$ex: no Hint 1"
  grep -q "<details><summary>Hint 2" <<<"$section" || fail "$page#$ex: no folded Hint 2"
  echo "ok: $ex"
done
exit $((failures > 0))
