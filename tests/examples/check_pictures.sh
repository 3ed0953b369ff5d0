#!/usr/bin/env bash
# The pictures train_transformer and demo draw (issue 18): written where --out says, valid SVG
# (xmllint, when installed: CI installs it), for a task and for a text whose bytes are not all
# ASCII (a byte of a UTF-8 character alone is not text: its label must not break the file), and
# a curves CSV with one row per step.
#   tests/examples/check_pictures.sh BIN_DIR WORKDIR
set -u
bin=$(realpath "$1")
. "$(dirname "$0")/checks.sh" "$2"
"$bin/train_transformer" --steps 12 --eval-every 5 --out task >task.out 2>&1
check "task: exit status 0" test $? -eq 0
check "task: says what it drew" grep -q "^pictures: task/{training_curves.svg,training_curves.csv,attention_weights.svg}" task.out
check "task: a CSV row per step, evaluations at 5, 10, 12" \
  bash -c "test \$(wc -l <task/training_curves.csv) -eq 13 && grep -Eq '^5,[^,]+,[^,]+,[0-9.]+,' task/training_curves.csv && grep -Eq '^12,[^,]+,[^,]+,[0-9.]+,' task/training_curves.csv && grep -Eq '^4,[^,]+,[^,]+,,,$' task/training_curves.csv"
check "task: 2 layers x 4 heads of attention" test "$(grep -c '<text x=[^>]*font-weight="bold">layer' task/attention_weights.svg)" -eq 8
for i in $(seq 40); do printf 'caf\xc3\xa9 & <na\xc3\xafve> "quotes"\n'; done >text
"$bin/train_transformer" --text text --seq 16 --steps 3 --out text-out >text.out 2>&1
check "text: exit status 0" test $? -eq 0
check "text: a space is drawn as ␣" grep -q '>␣</text>' text-out/attention_weights.svg
"$bin/demo" --steps 40 --out demo >demo.out 2>&1
check "demo: snapshots after steps 1, 2, 10 and 40" grep -q "decision boundary at steps 1 2 10 40 into demo/decision_boundary.svg" demo.out
if command -v xmllint >/dev/null; then
  check "valid SVG" xmllint --noout task/*.svg text-out/*.svg demo/*.svg
else
  echo "(xmllint is not installed: the SVGs were not validated)"
fi
finish
