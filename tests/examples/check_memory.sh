#!/usr/bin/env bash
# The memory estimate train_transformer prints (and refuses a run by) is within 2x of the peak
# resident memory the run then reaches (getrusage's ru_maxrss, printed as peak_rss_mb), over
# short and long sequences, narrow and wide models, and a mixture of experts trained for longer.
#   tests/examples/check_memory.sh build/bin/train_transformer WORKDIR
set -u
program=$1
work=$2
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
for i in $(seq 4000); do echo "line $i of a text that the model reads, with some words"; done >text
failures=0
measure() {  # measure FLAGS...: compares the printed estimate with the measured peak
  local out estimate peak
  out=$("$program" "$@" --steps "${STEPS:-2}" --stop-at 0 --eval-every 1000 --eval-batch 8 --threads 2 2>&1)
  estimate=$(printf '%s\n' "$out" | sed -n 's/^memory: about \([0-9]*\) MB.*/\1/p')
  peak=$(printf '%s\n' "$out" | sed -n 's/.*peak_rss_mb=\([0-9]*\).*/\1/p')
  if [ -z "$estimate" ] || [ -z "$peak" ]; then
    echo "FAILED: $*: no estimate or no peak in the output"
    failures=$((failures + 1))
  elif [ $((2 * peak)) -ge "$estimate" ] && [ $((2 * estimate)) -ge "$peak" ]; then
    echo "ok: $*: estimate $estimate MB, peak $peak MB"
  else
    echo "FAILED: $*: estimate $estimate MB, peak $peak MB: not within 2x"
    failures=$((failures + 1))
  fi
}
measure --task reverse --batch 32
measure --task reverse --batch 512
measure --text text --seq 512 --batch 32
measure --text text --seq 1024 --batch 16
measure --text text --seq 128 --batch 32 --d-model 256 --heads 8
measure --text text --seq 256 --batch 16 --d-model 128 --layers 4 --ffn relu
# A mixture of experts over many steps: each expert gets another number of tokens every step, so
# its buffers come in ever new sizes (the memory pool once cached them all and grew to 1 GB).
STEPS=60 measure --task reverse --batch 32 --ffn moe --experts 8
echo "$failures failure(s)"
exit $((failures > 0))
