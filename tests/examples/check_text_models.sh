#!/usr/bin/env bash
# Text models and the paths they read: a saved model reads another text only through its own
# vocabulary (a character it lacks is refused, by name); --load evaluates a text model on its own
# text, or says plainly that it could not; a folder given as --text is read file by file (an
# empty one, or an empty file, is refused by name); a FIFO (or /dev/stdin) is read to its end.
#   tests/examples/check_text_models.sh build/bin/train_transformer WORKDIR
set -u
program=$(realpath "$1")
. "$(dirname "$0")/checks.sh" "$2"  # the work folder, check and finish
for i in $(seq 300); do echo "line $i of a text that the model reads"; done >text
tr a-z A-Z <text >upper  # as many distinct characters, other ones
head -c 3000 text | tr -d 'w' >subset  # fewer characters, all of them the model's
"$program" --text text --seq 32 --steps 3 --save m >m.out 2>&1 || echo "FAILED: setup"

# Item 7: another text through the saved model's vocabulary.
"$program" --load m --text upper --steps 2 --save m2 >a.out 2>&1
check "other characters: exit status 1" test $? -eq 1
check "other characters: named" grep -q "'upper' has .* characters the model's vocabulary lacks: 'A' 'D' 'E'" a.out
check "other characters: nothing saved" test ! -e m2/vocab.json
"$program" --load m --text subset --steps 2 --save m3 >b.out 2>&1
check "a subset of the characters: trains" test $? -eq 0
check "a subset of the characters: the vocabulary is the model's" cmp -s m/vocab.json m3/vocab.json

# Issue 26 (review): a resumed run continues on its own text, not on another given now.
"$program" --resume m --text upper --steps 6 >r.out 2>&1
check "--resume with another --text: exit status 2" test $? -eq 2
check "--resume with another --text: says so" grep -q "text 'upper' is not the text the run in 'm' trains on ('text'" r.out

# Item 16: --load evaluates a text model on its own text; without it, says so.
"$program" --load m >c.out 2>&1
check "--load of a text model: exit status 0" test $? -eq 0
check "--load of a text model: evaluated on its text" grep -q "^evaluation: loss .* (on its text, 'text')" c.out
check "--load of a text model: a loss in the summary" grep -Eq "summary: .* eval_step=0 eval_loss=[0-9.]+ eval_acc=[0-9.]+" c.out
mv text text.moved
"$program" --load m >d.out 2>&1
check "--load without the text: exit status 0" test $? -eq 0
check "--load without the text: says no evaluation was done" grep -q "^no evaluation was done: .*cannot open 'text'" d.out
check "--load without the text: eval_loss=none, never nan" grep -q "train_loss=none eval_step=none eval_loss=none eval_acc=none eval_exact=none" d.out
mv text.moved text

# Item 17: paths that are not regular files.
mkdir folder empty && cp text folder/a && cp subset folder/b && mkdir folder/sub && ln -s a folder/c
"$program" --text folder --seq 16 --steps 2 >e.out 2>&1
check "--text a folder: its files are read" grep -q "summary: task=text:folder .* steps=2" e.out
check "--text a folder: says what it skipped" grep -q "text: skipped 2 in 'folder': folder/c (a link to a file read as itself) folder/sub (a folder)" e.out
"$program" --text empty >e2.out 2>&1
check "--text an empty folder: exit status 1" test $? -eq 1
check "--text an empty folder: says so" grep -q "text: the folder 'empty' holds no file to read (it is empty)" e2.out
: >nothing
"$program" --text nothing >e3.out 2>&1
check "--text an empty file: says so" grep -q "text: 'nothing' is empty: there is nothing to train on" e3.out
mkfifo fifo
(cat text >fifo &)
"$program" --text fifo --seq 16 --steps 2 >f.out 2>&1
check "--text a FIFO: read and trained" grep -q "summary: task=text:fifo .* steps=2" f.out
"$program" --text /dev/stdin --seq 16 --steps 2 <text >g.out 2>&1
check "--text /dev/stdin: read and trained" grep -q "summary: task=text:/dev/stdin .* steps=2" g.out

# Issue 26, kind A: a model trained on a stream cannot read its text back; --load refuses at once
# (under a time limit: it used to wait on standard input for ever), and --text gives it again.
"$program" --text /dev/stdin --seq 16 --steps 2 --save rs <text >h.out 2>&1
check "a model trained on /dev/stdin: saved" test -s rs/config.json
timeout 20 "$program" --load rs --generate 'line ' --max-new 5 </dev/zero >h2.out 2>&1
check "--load of a model trained on /dev/stdin: exit status 1, at once" test $? -eq 1
check "--load of a model trained on /dev/stdin: says why and what to do" grep -q "text: the saved model was trained on '/dev/stdin', which is not a regular file or a folder (a pipe or a device, read once): pass --text FILE to give it the text again" h2.out
"$program" --load rs --text text --generate 'line ' --max-new 5 >h3.out 2>&1
check "--load with --text again: generates" test $? -eq 0
# A model folder's files must be regular files: a FIFO in place of config.json is refused by name.
cp -r rs rf && rm rf/config.json && mkfifo rf/config.json
timeout 20 "$program" --load rf >h4.out 2>&1
check "config.json a FIFO: exit status 1, at once" test $? -eq 1
check "config.json a FIFO: named" grep -q "'rf/config.json' is a FIFO (a pipe), not a regular file" h4.out

finish
