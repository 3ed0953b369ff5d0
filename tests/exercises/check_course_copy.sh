#!/usr/bin/env bash
# The learner's copy of the engine (tests/exercises/course_copy.cpp):
# - a copy with no piece taken equals the engine byte for byte;
# - taking every piece puts a stub in every region, and status says "to write" for each;
# - what the learner writes in a region survives taking more pieces and a refresh;
# - a piece the engine does not mark, and a bad command, are refused (exit 2);
# - write gives each region its part of the file, and refuses a file of the wrong number of parts;
# - a WORK that is ROOT itself is refused, and the engine left untouched.
#   check_course_copy.sh COURSE_COPY SOURCE_DIR WORK_DIR
set -u
tool=$1 root=$2 work=$3
failures=0
fail() { echo "FAILED: $*"; failures=$((failures + 1)); }
rm -rf "$work"

"$tool" "$root" "$work/plain" copy || fail "copy exited $?"
count=0
while IFS= read -r -d '' f; do
  rel=${f#"$work/plain/"}
  cmp -s "$f" "$root/$rel" || fail "$rel: the untouched copy differs from the engine"
  count=$((count + 1))
done < <(find "$work/plain" -type f -print0)
[ "$count" -gt 0 ] || fail "copy wrote no file"
echo "ok: $count files copied byte for byte"

"$tool" "$root" "$work/all" status > /dev/null 2> "$work/status.err" &&
  fail "status on a folder with no copy succeeded"
grep -q "no copy in .*take ex19" "$work/status.err" || fail "status on no copy: $(cat "$work/status.err")"
pieces=$("$tool" "$root" "$work/plain" status | awk '{print $1}')
[ -n "$pieces" ] || fail "the engine marks no piece"
# shellcheck disable=SC2086
"$tool" "$root" "$work/all" take $pieces || fail "take exited $?"
status=$("$tool" "$root" "$work/all" status)
echo "$status"
while read -r piece rest; do
  [[ $rest == "to write"* ]] || fail "$piece after take: '$rest', expected 'to write'"
done <<<"$status"

# The learner writes ex02 (any text differing from the stub), then takes it again and refreshes.
file=$(grep -rl "// course ex02 begin" "$work/all")
sed -i '/\/\/ course ex02 begin/a\  Tensor mine = grad;  // my own reduction, begun above the stub' "$file"
"$tool" "$root" "$work/all" take ex02 || fail "take again exited $?"
"$tool" "$root" "$work/all" refresh || fail "refresh exited $?"
grep -q "// my own reduction" "$file" || fail "the learner's ex02 was overwritten"
"$tool" "$root" "$work/all" status | grep -q "^ex02  written" || fail "ex02 not reported written"

# write: one part per region in file order, or one part for all; another count is refused.
printf 'A\n// course next region\nB\n' > "$work/two.txt"
"$tool" "$root" "$work/two" write ex03 "$work/two.txt" || fail "write of two parts exited $?"
two=$(grep -rl "// course ex03 begin" "$work/two")
parts=$(awk '/course ex03 begin/{on=1;next} /course ex03 end/{on=0} on' "$two" | tr -d ' ' | tr '\n' ,)
[ "$parts" = "A,B," ] || fail "ex03's two regions got '$parts', expected A then B"
printf 'A\n// course next region\nB\n// course next region\nC\n' > "$work/three.txt"
"$tool" "$root" "$work/three" write ex03 "$work/three.txt" 2>"$work/three.err"
[ $? -eq 1 ] && grep -q "3 parts for 2 regions of ex03" "$work/three.err" ||
  fail "three parts for ex03's two regions were not refused: $(cat "$work/three.err")"

# An edit outside the regions is replaced by the engine's text, and the old file kept as .bak.
sed -i '1i // my note above everything' "$file"
"$tool" "$root" "$work/all" refresh 2> "$work/refresh.err" || fail "refresh exited $?"
grep -q "// my note above everything" "$file" && fail "an edit outside the regions was kept"
grep -q "// my note above everything" "$file.bak" || fail "no .bak kept the edit outside the regions"
grep -q "kept in .*\.bak" "$work/refresh.err" || fail "no warning named the .bak: $(cat "$work/refresh.err")"
grep -q "my own reduction" "$file" || fail "the learner's ex02 was lost with the outside edit"

# A stub of an older version (its words changed) is still a stub: replaced by today's.
stubbed=$(grep -rl "// course ex09 begin" "$work/all")
sed -i 's/not written yet/not yet written: not written yet/' "$stubbed"
"$tool" "$root" "$work/all" status | grep -q "^ex09  to write" || fail "an older stub is not 'to write'"
"$tool" "$root" "$work/all" refresh 2>/dev/null || fail "refresh exited $?"
grep -q "not yet written" "$stubbed" && fail "an older stub was not replaced by today's"

# WORK that is ROOT (the output is the input) is refused, and the engine is left as it was.
before=$(cat "$root/core/tape.cpp")
"$tool" "$root" "$root/." take ex19 2> "$work/same.err"
[ $? -eq 2 ] && grep -q "is ROOT" "$work/same.err" || fail "WORK = ROOT was not refused: $(cat "$work/same.err")"
[ "$(cat "$root/core/tape.cpp")" = "$before" ] || fail "WORK = ROOT changed the engine's core/tape.cpp"

"$tool" "$root" "$work/all" take ex99 >/dev/null 2>&1
[ $? -eq 2 ] || fail "an unknown piece was not refused with exit 2"
"$tool" "$root" "$work/all" frobnicate >/dev/null 2>&1
[ $? -eq 2 ] || fail "an unknown command was not refused with exit 2"
exit $((failures > 0))
