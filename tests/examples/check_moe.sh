#!/usr/bin/env bash
# train_transformer --ffn moe (issue 20): the flags' errors, a saved mixture of experts in
# Mixtral's names and config, loaded again, and a checkpoint whose expert count differs.
#   tests/examples/check_moe.sh TRAIN_TRANSFORMER WORK_DIR
set -u
bin=$1
work=$2
here=$(dirname "$0")
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
failures=0
expect() { bash "$here/expect.sh" "$@" || failures=$((failures + 1)); }
expect 2 "--experts applies to --ffn moe only" "$bin" --experts 4 --steps 1
expect 2 "--experts-per-token must be at most --experts \(2\)" \
  "$bin" --ffn moe --experts 2 --experts-per-token 3 --steps 1
expect 2 "--experts" "$bin" --ffn moe --experts 0 --steps 1
expect 2 "--aux-loss-coef" "$bin" --ffn moe --aux-loss-coef -1 --steps 1
expect 0 "aux [0-9.]+ load [0-9]+/[0-9]+%" \
  "$bin" --ffn moe --experts 2 --positions rope --steps 2 --eval-every 1 --save saved --out out
for field in '"model_type": "mixtral"' '"num_local_experts": 2' '"num_experts_per_tok": 2'; do
  grep -qF "$field" saved/config.json || { echo "FAILED: config.json lacks $field"; failures=$((failures + 1)); }
done
expect 0 "evaluation: loss" "$bin" --load saved --out out
# The config says 3 experts, the weights hold 2: the load names the file.
sed 's/"experts": 2,/"experts": 3,/' saved/config.json > saved/config.tmp && mv saved/config.tmp saved/config.json
expect 1 "saved/model.safetensors' does not fit the model of config.json" "$bin" --load saved --out out
exit $((failures > 0))
