#!/usr/bin/env bash
# The learner's configuration (docs/course.md): -DTAPEGRAD_COURSE_COPY=DIR, on a copy with a
# piece taken, configures and offers course_progress, course_run and train_transformer_mine;
# a folder with no copy in it is refused with the command that makes one.
#   check_course_option.sh COURSE_COPY SOURCE_DIR WORK_DIR CXX
set -u
tool=$1 root=$2 work=$3 cxx=$4
rm -rf "$work"
"$tool" "$root" "$work/copy" take ex19 || { echo "FAILED: course_copy take ex19"; exit 1; }
cmake -G "Unix Makefiles" -S "$root" -B "$work/build" -DCMAKE_CXX_COMPILER="$cxx" -DTAPEGRAD_COURSE_COPY="$work/copy" \
  > "$work/configure.log" 2>&1 || { cat "$work/configure.log"; echo "FAILED: configure"; exit 1; }
targets=$(cmake --build "$work/build" --target help)
failures=0
for t in course_progress course_run train_transformer_mine engine_pieces_mine; do
  grep -q "\.\.\. $t\$" <<<"$targets" && echo "ok: $t" || { echo "FAILED: no target $t"; failures=1; }
done
mkdir -p "$work/empty"
if cmake -G "Unix Makefiles" -S "$root" -B "$work/build-empty" -DCMAKE_CXX_COMPILER="$cxx" \
     -DTAPEGRAD_COURSE_COPY="$work/empty" > "$work/empty.log" 2>&1; then
  echo "FAILED: an empty folder was accepted"; failures=1
else
  tr -s "\n " "  " < "$work/empty.log" | grep -q "course_copy \. .* take ex19" && echo "ok: an empty folder is refused" ||
    { cat "$work/empty.log"; echo "FAILED: no command to make a copy"; failures=1; }
fi
rm -rf "$work"
exit $failures
