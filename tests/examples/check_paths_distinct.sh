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
check "--out inside the --text folder: refused" grep -q "out: 'texts/pictures/training_curves.svg' is inside --text 'texts'" b.out
"$program" --text mytext.txt --seq 16 --steps 2 --save m >c.out 2>&1 || echo "FAILED: setup"
"$program" --load m --steps 2 --save m >d.out 2>&1
check "--save = --load: refused" grep -q "save: 'm/model.safetensors' is --load 'm/model.safetensors', which this run reads" d.out
"$program" --text mytext.txt --seq 16 --steps 2 --save s --loss-log s/loss.csv >e.out 2>&1
check "--loss-log inside --save: refused" grep -q "loss-log: 's/loss.csv' is inside the --save folder 's'" e.out
echo '{"steps": 1}' >run.json && cp run.json run-kept.json
"$program" --config run.json --loss-log run.json >g.out 2>&1
check "--loss-log = --config: refused" grep -q "loss-log: 'run.json' is --config 'run.json', which this run reads" g.out
check "--loss-log = --config: the config file is untouched" cmp -s run.json run-kept.json
"$program" --steps 1 --generate 012 --logits-out same.st --loss-log same.st >f.out 2>&1
check "two outputs, one file: refused" grep -q "'same.st' is also written by --logits-out" f.out
# Review: an input inside an output folder, a hard link, an output another output's folder holds,
# a trailing slash, and interrupted-run/ when it is the loaded folder.
mkdir o3 && cp mytext.txt o3/training_curves.csv
"$program" --text o3/training_curves.csv --seq 16 --steps 2 --out o3 >h.out 2>&1
check "--text inside --out, a file --out writes: refused" grep -q "out: 'o3/training_curves.csv' is --text 'o3/training_curves.csv'" h.out
check "--text inside --out: untouched" cmp -s o3/training_curves.csv kept.txt
ln mytext.txt hard.txt
"$program" --text mytext.txt --seq 16 --steps 2 --loss-log hard.txt >i.out 2>&1
check "a hard link to --text as --loss-log: refused" grep -q "loss-log: 'hard.txt' is --text 'mytext.txt'" i.out
check "a hard link to --text as --loss-log: the text is untouched" cmp -s mytext.txt kept.txt
"$program" --steps 2 --loss-log o4/training_curves.csv --out o4 >j.out 2>&1
check "--loss-log a file --out writes: refused" grep -q "is also written by --loss-log" j.out
"$program" --steps 2 --out o5/ --save o5 --loss-log o5/model.safetensors >k.out 2>&1
check "a trailing slash names the same folder" grep -q "is also written by --loss-log\|inside the --save folder" k.out
cp -r m interrupted-run
"$program" --load interrupted-run --steps 4 >l.out 2>&1
check "--load interrupted-run without --save: refused" grep -q "'interrupted-run' is --load 'interrupted-run'\|'interrupted-run/model.safetensors' is --load" l.out
mkfifo log.fifo
timeout 20 "$program" --steps 2 --loss-log log.fifo >m.out 2>&1
check "--loss-log a FIFO: refused at once" grep -q "loss-log: 'log.fifo' is a FIFO (a pipe), not a regular file" m.out
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
