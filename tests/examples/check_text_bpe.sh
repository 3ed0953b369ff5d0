#!/usr/bin/env bash
# train_transformer --tokenizer bpe (issue 19): the tokenizer saved as tokenizer.json and restored
# by --load and --resume; --tokenize prints ids for a BPE and a byte model; validation loss and
# perplexity in the summary; a damaged or foreign tokenizer.json and a --vocab-size the text
# cannot reach are errors naming the file or the flag, and a folder saved before is not lost.
#   tests/examples/check_text_bpe.sh build/bin/train_transformer WORKDIR
set -u
program=$(realpath "$1")
. "$(dirname "$0")/checks.sh" "$2"  # the work folder, check and finish
for i in $(seq 400); do echo "line $i: the model reads the text, and then it reads more text."; done >text
printf 'ab ba\nab ab ba\n%.0s' $(seq 60) >ab  # the characters '\n' ' ' 'a' 'b': ids 0 1 2 3

"$program" --text text --tokenizer bpe --vocab-size 300 --seq 16 --steps 4 --eval-every 2 \
  --save m --out o >m.out 2>&1
check "bpe: trains" test $? -eq 0
check "bpe: the tokenizer's size and training time" grep -Eq "^tokenizer: BPE with 300 tokens, trained on [0-9]+ bytes in [0-9.]+ s" m.out
check "bpe: tokenizer.json saved" grep -q '"type": "BPE"' m/tokenizer.json
check "bpe: config.json says bpe" grep -q '"tokenizer": "bpe"' m/config.json
check "bpe: the progress line has the validation loss" grep -Eq "^step 2/4 .* val_loss [0-9.]+ ppl [0-9.]+" m.out
check "bpe: the summary has val_loss and val_ppl" grep -Eq "summary: .* val_loss=[0-9.]+ val_ppl=[0-9.]+$" m.out
check "bpe: the CSV has the validation columns" grep -q "^step,train_loss,train_acc,val_loss,val_acc,val_ppl$" o/training_curves.csv

ids=$("$program" --load m --tokenize "the text, and then")
check "--tokenize: ids on one line ($ids)" bash -c "[[ '$ids' =~ ^[0-9]+( [0-9]+)*$ ]]"
check "--tokenize: fewer ids than bytes (merges were learned)" test "$(wc -w <<<"$ids")" -lt 18
check "--tokenize: an empty text is an empty line" test "$("$program" --load m --tokenize "" | wc -c)" -eq 1
"$program" --load m --out o >l.out 2>&1
check "--load: evaluated on the held-out part" grep -q "^evaluation: loss .*, on the held-out part" l.out
check "--load: val_loss in the summary" grep -Eq "val_loss=[0-9.]+ val_ppl=[0-9.]+$" l.out
"$program" --resume m --steps 6 --out o >r.out 2>&1
check "--resume of a bpe run: continues" grep -q "summary: .* steps=6 " r.out

"$program" --text ab --seq 8 --steps 1 --save b --out o >b.out 2>&1
check "--tokenize, byte model: the ids of the characters" test "$("$program" --load b --tokenize "ab ba")" = "2 3 1 3 2"
"$program" --load b --tokenize "abc" >c.out 2>&1
check "--tokenize, byte model: a byte it lacks is named" grep -q "byte 99 is not in the vocabulary of 'b/vocab.json'" c.out

# Damaged and foreign tokenizer.json files.
cp -r m d && head -c 300 m/tokenizer.json >d/tokenizer.json
"$program" --load d --out o >d.out 2>&1
check "damaged tokenizer.json: exit status 1" test $? -eq 1
check "damaged tokenizer.json: names the file and the offset" grep -q "tokenizer: 'd/tokenizer.json': json: offset" d.out
"$program" --text text --tokenizer bpe --vocab-size 280 --seq 16 --steps 1 --save other --out o >/dev/null 2>&1
cp -r m f && cp other/tokenizer.json f/
"$program" --load f --tokenize x >f.out 2>&1
check "another model's tokenizer.json: exit status 1" test $? -eq 1
check "another model's tokenizer.json: says so" grep -q "'f/tokenizer.json' has 280 tokens but 'f/config.json' gives the model a vocabulary of 300" f.out
rm -f m/tokenizer.json.tmp.*
cp -r m saved-before
"$program" --text text --tokenizer bpe --vocab-size 60000 --seq 16 --steps 2 --save m --out o >v.out 2>&1
check "--vocab-size too large: exit status 2" test $? -eq 2
check "--vocab-size too large: names the flag and the limit" grep -Eq "vocab-size: 60000 is more than 'text' allows: .*\(at most [0-9]+\)" v.out
check "--vocab-size too large: the folder saved before is intact" diff -r m saved-before
"$program" --text text --tokenizer bpe --vocab-size 255 >w.out 2>&1
check "--vocab-size below 256: exit status 2" test $? -eq 2
check "--vocab-size below 256: says so" grep -q "vocab-size must be a whole number from 256 to 65536, got '255'" w.out
"$program" --text text --vocab-size 300 >x.out 2>&1
check "--vocab-size without bpe: exit status 2" test $? -eq 2
"$program" --tokenize "x" >y.out 2>&1
check "--tokenize without --load: exit status 2" test $? -eq 2
check "--tokenize without --load: says so" grep -q -- "--tokenize needs --load DIR" y.out
"$program" --steps 1 --save task --out o >/dev/null 2>&1
"$program" --load task --tokenize "x" >z.out 2>&1
check "--tokenize of a task model: exit status 2" test $? -eq 2
# A held-out part long enough in bytes but too short in BPE tokens: still --val-fraction's fault.
"$program" --text text --tokenizer bpe --vocab-size 300 --seq 60 --val-fraction 0.004 --steps 1 \
  --out o >s.out 2>&1
check "held-out part too short in tokens: exit status 2" test $? -eq 2
check "held-out part too short in tokens: names the flag" grep -q -- "--val-fraction (or --seq): " s.out
# A byte model saved over a BPE model's folder takes its tokenizer.json away.
cp -r m over
"$program" --text text --seq 16 --steps 1 --save over --out o >/dev/null 2>&1
check "a byte model saved over a BPE folder: trains" grep -q '"tokenizer": "byte"' over/config.json
check "a byte model saved over a BPE folder: no tokenizer.json left" test ! -e over/tokenizer.json
finish
