#!/usr/bin/env bash
# A bad value in a checkpoint's saved flags is reported with the checkpoint's path (it was not
# typed), with the usage and exit status 2, like a bad flag.
#   tests/examples/check_saved_flag.sh build/bin/train_transformer WORKDIR
set -u
here=$(cd "$(dirname "$0")" && pwd)
program=$(realpath "$1")
work=$2
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
"$program" --steps 1 --batch 4 --save run >/dev/null || exit 1
# The flags are JSON inside the header's JSON: \"batch\": \"4\". Same length, so the header's
# length stays right.
LC_ALL=C sed -i 's/\\"batch\\": \\"4\\"/\\"batch\\": \\"x\\"/' run/checkpoint.safetensors
exec bash "$here/expect.sh" 2 \
  "--batch must be a whole number from 1 to 4096, got 'x' \(saved in 'run/checkpoint.safetensors'\)" \
  "$program" --resume run
