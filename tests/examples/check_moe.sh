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
# A loaded mixture's flags are its own: changing one is refused as a change to the saved model.
expect 2 "--experts cannot change a saved model" "$bin" --load saved --experts 4
expect 2 "--aux-loss-coef cannot change a saved model" "$bin" --load saved --aux-loss-coef 0.1
# Hugging Face's fields must agree with the tapegrad object's: each edit below is refused,
# naming config.json and the field. The tapegrad object says the same names (Hugging Face's),
# indented further: each edit is anchored to the top level's two spaces.
cp saved/config.json good.json
refused() {  # refused SED_EXPRESSION EXPECTED_MESSAGE
  cp good.json saved/config.json
  sed "$1" good.json > saved/config.json
  expect 1 "$2" "$bin" --load saved --out out
}
refused 's/^  "num_local_experts": 2/  "num_local_experts": 4/' \
  "saved/config.json': \"num_local_experts\" is 4, but the tapegrad object's \"num_local_experts\" is 2"
refused 's/^  "num_local_experts": 2/  "num_local_experts": "2"/' "\"num_local_experts\" must be a whole number"
refused 's/^  "num_local_experts": 2,//' "\"num_local_experts\" must be a whole number"
refused 's/^  "num_experts_per_tok": 2/  "num_experts_per_tok": 9/' "\"num_experts_per_tok\" is 9"
refused 's/^  "intermediate_size": \([0-9]*\)/  "intermediate_size": 7/' "\"intermediate_size\" is 7"
refused 's/"model_type": "mixtral"/"model_type": "llama"/' "\"model_type\" must be \"mixtral\""
# Both say 3 experts (the edit applies to both lines), the weights hold 2: the load names the
# weights' file.
sed 's/"num_local_experts": 2/"num_local_experts": 3/' good.json > saved/config.json
expect 1 "saved/model.safetensors' does not fit the model of config.json" "$bin" --load saved --out out
cp good.json saved/config.json
exit $((failures > 0))
