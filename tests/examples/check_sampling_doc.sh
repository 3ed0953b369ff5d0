#!/usr/bin/env bash
# docs/text.md's sampling strategies side by side are what the commands print today: trains the
# page's character model on the GNU GPL (1500 steps), continues its prompt with each strategy,
# and compares the first line of every continuation with the page's table, word for word.
#   tests/examples/check_sampling_doc.sh BIN_DIR WORK_DIR PAGE
# Prints the table it made; on a difference, that table is what to paste into the page.
set -u
bin=$1
work=$2
page=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
"$bin/train_transformer" --text /usr/share/common-licenses/GPL-3 --seq 64 --batch 16 \
  --steps 1500 --save gpl --out out >train.log 2>&1 || { cat train.log; exit 1; }
row() {  # row LABEL FLAGS...: the first line of the continuation, without trailing blanks
  local label=$1 line
  shift
  line=$("$bin/train_transformer" --load gpl --eval-batch 16 --out out --generate "The licensee " \
    --max-new 100 "$@" 2>&1 | sed -n 's/^generate: //p' | head -1 | sed 's/[[:space:]]*$//')
  printf '%-24s%s\n' "$label:" "$line"
}
{
  row "greedy"
  row "T=1, seed 1" --temperature 1 --seed 1
  row "T=1, seed 2" --temperature 1 --seed 2
  row "T=0.7, seed 1" --temperature 0.7 --seed 1
  row "T=1, top-k 5, seed 1" --temperature 1 --top-k 5 --seed 1
  row "T=1, top-p 0.8, seed 1" --temperature 1 --top-p 0.8 --seed 1
  row "T=1.5, seed 1" --temperature 1.5 --seed 1
  row "T=1.5, top-p 0.8" --temperature 1.5 --top-p 0.8 --seed 1
} >made.txt
# The page's block: the ```text block after "These are the first lines each printed".
awk '/These are the first lines each printed/ {on = 1; next}
     on && /^```text/ {inside = 1; next}
     inside && /^```/ {exit}
     inside' "$page" >shown.txt
cat made.txt
grep -o 'train_loss=[0-9.]*' train.log
if ! diff -u shown.txt made.txt; then
  echo "FAILED: docs/text.md's sampling table is not what the commands print (diff above)"
  exit 1
fi
grep -q "$(grep -o 'train_loss=[0-9.]\{4\}' train.log | cut -d= -f2)" "$page" ||
  { echo "FAILED: docs/text.md does not give the model's training loss"; exit 1; }
echo "ok: the sampling table is today's"
