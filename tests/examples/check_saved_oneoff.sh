#!/usr/bin/env bash
# Issue 26, kind F: a resumed run restores only what a save records. A checkpoint whose saved
# flags name a one-invocation flag (an output such as --loss-log, which would truncate the file it
# names; here --top-k, the same length as --batch so the header keeps its length) was edited by
# hand and is refused with exit 2, naming the flag and the file. And --resume --steps 0 leaves the
# run's target as it was.
#   tests/examples/check_saved_oneoff.sh build/bin/train_transformer WORKDIR
set -u
program=$(realpath "$1")
. "$(dirname "$0")/checks.sh" "$2"  # the work folder, check and finish
"$program" --steps 2 --batch 4 --eval-every 1 --save run >setup.out 2>&1 || echo "FAILED: setup"
cp -r run edited
LC_ALL=C sed -i 's/\\"batch\\": \\"4\\"/\\"top-k\\": \\"4\\"/' edited/checkpoint.safetensors
"$program" --resume edited >a.out 2>&1
check "a one-off flag in a checkpoint: exit status 2" test $? -eq 2
check "a one-off flag in a checkpoint: named, with the file" grep -q "'edited/checkpoint.safetensors' records --top-k, which applies to one invocation and is never saved" a.out
"$program" --resume run --steps 0 >b.out 2>&1
check "--resume --steps 0: runs" test $? -eq 0
check "--resume --steps 0: the saved target is still 2 steps" grep -aq '\\"steps\\": \\"2\\"' run/checkpoint.safetensors
# Review: fewer steps than the checkpoint has done; a saved value held to the rules a typed one is
# (an empty value).
"$program" --resume run --steps 1 >c.out 2>&1
check "--resume --steps below the checkpoint's step: exit status 2" test $? -eq 2
check "--resume --steps below the checkpoint's step: says so" grep -q "steps 1 is below the 2 steps 'run/checkpoint.safetensors' has done" c.out
cp -r run emptied
LC_ALL=C sed -i 's/\\"batch\\": \\"4\\"/\\"batch\\":  \\"\\"/' emptied/checkpoint.safetensors
"$program" --resume emptied >d.out 2>&1
check "an empty value in a checkpoint: exit status 2" test $? -eq 2
check "an empty value in a checkpoint: named, with the file" grep -q "batch needs a value, got '' (saved in 'emptied/checkpoint.safetensors')" d.out
finish
