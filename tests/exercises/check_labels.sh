#!/usr/bin/env bash
# Every exercise check runs under its label: for each exNN, `ctest -L exNN` must list as many
# checks as exercise_tests has cases named "exNN: ...". (doctest_discover_tests labels a case by
# running it alone, and a name with a comma once split into two filters: such checks never got
# their label, and `ctest -L ex01` passed without running them.)
#   tests/exercises/check_labels.sh EXERCISE_TESTS BUILD_DIR
set -u
exe=$1
build=$2
names=$("$exe" --list-test-cases 2>/dev/null | grep -E '^ex[0-9]+: ')
[ -n "$names" ] || { echo "FAILED: no exercise checks listed by $exe"; exit 1; }
failures=0
for ex in $(printf '%s\n' "$names" | sed 's/:.*//' | sort -u); do
  want=$(printf '%s\n' "$names" | grep -c "^$ex: ")
  got=$(ctest --test-dir "$build" -N -L "^$ex\$" -E "^stub fails" | grep -cE "Test +#")
  if [ "$want" -eq "$got" ]; then
    echo "ok: $ex: $got checks under its label"
  else
    echo "FAILED: $ex: $want checks, $got under the label"
    failures=$((failures + 1))
  fi
done
exit $((failures > 0))
