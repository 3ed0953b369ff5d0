#!/usr/bin/env bash
# Outputs are checked before any work: a folder or file that cannot be written (under a regular
# file, read-only, a full disk) stops every program at once with a message naming the path and
# exit status 1, instead of after the training whose results it was meant to keep.
#   tests/examples/check_outputs.sh BIN_DIR WORKDIR
set -u
bin=$(realpath "$1")
. "$(dirname "$0")/checks.sh" "$2"  # the work folder, check and finish
# refused NAME REGEX COMMAND...: exit 1, a line matching REGEX, and no training step printed.
refused() {
  local name=$1 regex=$2
  shift 2
  "$@" >"$name.out" 2>&1
  local status=$?
  check "$name: exit status 1" test $status -eq 1
  check "$name: says why ($regex)" grep -Eq -- "$regex" "$name.out"
  check "$name: before any work" bash -c "! grep -Eq '^step |^== Part 2|wrote|held-out loss' $name.out"
}
echo "a regular file" >file
tt=("$bin/train_transformer" --steps 400 --stop-at 0)

refused save_under_file "--save: cannot create the folder 'file/run'" "${tt[@]}" --save file/run
refused loss_log_under_file "--loss-log: cannot write 'file/log': 'file' is not a folder" \
  "${tt[@]}" --loss-log file/log
refused out_under_file "--out: cannot create the folder 'file/pictures'" "${tt[@]}" --out file/pictures
refused loss_log_is_folder "--loss-log: '.' is a folder" "${tt[@]}" --loss-log .
refused logits_out_missing_folder "--logits-out: cannot write 'nowhere/l': 'nowhere' does not exist" \
  "${tt[@]}" --generate 12 --logits-out nowhere/l
# A full disk, simulated by a 64 KB file-size limit (the weights need ~430 KB): the save before
# step 1 fails, so no training is lost.
(ulimit -f 64 && exec "${tt[@]}" --save full >full.out 2>&1)
check "full disk: exit status 1" test $? -eq 1
check "full disk: names the file" grep -q "writing 'full/model.safetensors.tmp\.[0-9]*\.[0-9]*' failed" full.out
check "full disk: before step 1" bash -c "! grep -q '^step ' full.out"
# Issue 26, kind C: a limit the weights fit under (430 KB) but not Adam's state (1.7 MB more):
# the save before step 1 already holds the optimizer's state, so it fails there, not after 10
# steps of training at the first real save.
(ulimit -f 1024 && exec "${tt[@]}" --steps 20 --save-every 10 --save half >half.out 2>&1)
check "a disk for the weights only: exit status 1" test $? -eq 1
check "a disk for the weights only: names the checkpoint" grep -q "writing 'half/checkpoint.safetensors.tmp" half.out
check "a disk for the weights only: before step 1" bash -c "! grep -q '^step ' half.out"
refused compare_ffn_out "--out: cannot create the folder 'file/c'" \
  "$bin/compare_ffn" --steps 10 --seeds 1 --variants relu --out file/c
refused plot_activations_out "--out: cannot create the folder 'file/p'" \
  "$bin/plot_activations" --out file/p --no-terminal
refused demo_out "--out: cannot create the folder 'file/d'" "$bin/demo" --out file/d
if [ "$(id -u)" != 0 ]; then  # root writes anywhere
  mkdir ro && chmod a-w ro
  refused save_read_only "--save: cannot write into the folder 'ro'" "${tt[@]}" --save ro
  refused compare_ffn_read_only "--out: cannot write into the folder 'ro'" \
    "$bin/compare_ffn" --steps 10 --seeds 1 --variants relu --out ro
  chmod u+w ro
fi

finish
