#!/usr/bin/env bash
# Issue 26, kind B: an output may not be an input, lie inside an input folder or the --save
# folder, or be another output; temporary files have names of their own; two runs saving to one
# folder: the second is refused at once, naming it.
#   tests/examples/check_paths_distinct.sh build/bin/train_transformer WORKDIR
set -u
program=$(realpath "$1")
. "$(dirname "$0")/checks.sh" "$2"  # the work folder, check and finish
for i in $(seq 300); do echo "line $i of a text that the model reads"; done >mytext.txt
cp mytext.txt kept.txt
"$program" --text mytext.txt --seq 16 --steps 2 --loss-log mytext.txt >a.out 2>&1
check "--loss-log = --text: exit status 2" test $? -eq 2
check "--loss-log = --text: named" grep -q "loss-log: 'mytext.txt' is --text 'mytext.txt', which this run reads" a.out
check "--loss-log = --text: the text is untouched" cmp -s mytext.txt kept.txt
mkdir texts && cp mytext.txt texts/a.txt
"$program" --text texts --seq 16 --steps 2 --out texts/pictures >b.out 2>&1
check "--out inside the --text folder: refused" grep -q "out: 'texts/pictures' is inside --text 'texts'" b.out
"$program" --text mytext.txt --seq 16 --steps 2 --save m >c.out 2>&1 || echo "FAILED: setup"
"$program" --load m --steps 2 --save m >d.out 2>&1
check "--save = --load: refused" grep -q "save: 'm' is --load 'm', which this run reads" d.out
"$program" --text mytext.txt --seq 16 --steps 2 --save s --loss-log s/loss.csv >e.out 2>&1
check "--loss-log inside --save: refused" grep -q "loss-log: 's/loss.csv' is inside the --save folder 's'" e.out
"$program" --steps 1 --generate 012 --logits-out same.st --loss-log same.st >f.out 2>&1
check "two outputs, one file: refused" grep -q "'same.st' is also --logits-out" f.out
# Two runs saving to one folder: the second is refused while the first holds the folder.
"$program" --steps 100000 --save busy --out o1 >g1.out 2>&1 &
first=$!
for _ in $(seq 100); do [ -e busy/.tapegrad.lock ] && break; sleep 0.1; done
sleep 0.5
"$program" --steps 2 --save busy --out o2 >g2.out 2>&1
check "a second run saving to a busy folder: exit status 1" test $? -eq 1
check "a second run saving to a busy folder: says so" grep -q "another run is saving to 'busy' now" g2.out
kill -INT "$first"; wait "$first"
"$program" --steps 2 --save busy --out o3 >g3.out 2>&1
check "the folder, free again: saves" test $? -eq 0
check "no temporary file left" test -z "$(ls busy | grep '\.tmp\.')"
finish
