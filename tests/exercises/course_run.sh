#!/usr/bin/env bash
# The course run (docs/course.md, "Your copy of the engine"): it proves the course's goal with
# numbers, on the learner's copy of the engine, and stops at the first thing that is wrong.
#   1. every piece's check (engine_pieces_mine), the walk's first, stopping at the first piece
#      that fails: its message names the piece and, where the pattern shows it, the likely cause;
#   2. the first 20 training steps' losses equal the engine's own (train_transformer --reference,
#      the same readable floor) within 1e-4, relative;
#   3. the toy transformer reaches 99% on the reverse task.
#   course_run.sh PIECES TRAIN_REFERENCE TRAIN_MINE COMPARE_LOSSES WORK_DIR
set -u
pieces=$1 reference=$2 mine=$3 compare=$4 work=$5
mkdir -p "$work"
echo "== 1. your pieces, checked one by one"
# The walk (ex19) first, since every other piece's checks run through it; then the others in
# order. The first piece whose checks fail stops the run (an error that throws stops its piece
# at once, which doctest's --abort-after does not do).
order=$("$pieces" --list-test-cases 2>/dev/null | grep -oE "^ex[0-9]{2}" | sort -u)
[ -n "$order" ] || { echo "course: $pieces lists no piece's checks"; exit 1; }
order="$(grep -x ex19 <<<"$order") $(grep -vx ex19 <<<"$order")"
for piece in $order; do
  "$pieces" -tc="$piece*" --abort-after=1 ||
    { echo "course: $piece is not right yet: fix the piece named above first"; exit 1; }
done
echo "== 2. the first 20 steps: your engine's losses against the engine's own"
"$reference" --reference --threads 1 --steps 20 --loss-log "$work/reference-losses.txt" \
  --out "$work/reference" > "$work/reference.log" 2>&1 || { cat "$work/reference.log"; exit 1; }
"$mine" --threads 1 --steps 20 --loss-log "$work/your-losses.txt" --out "$work/yours-20" \
  > "$work/yours-20.log" 2>&1 || { cat "$work/yours-20.log"; exit 1; }
"$compare" "$work/reference-losses.txt" "$work/your-losses.txt" 20 1e-4 || exit 1
echo "== 3. training on your engine until 99%"
out=$("$mine" --threads 1 --out "$work/yours" 2>&1)
status=$?
printf '%s\n' "$out" | grep -E "^(engine:|reached |summary:)"
[ "$status" -eq 0 ] || { printf '%s\n' "$out" | tail -5; exit 1; }
printf '%s\n' "$out" | grep -q "^reached 99% evaluation accuracy at step" ||
  { echo "course: the run did not reach 99%"; exit 1; }
echo "course: done: your engine trains the toy transformer to 99%"
