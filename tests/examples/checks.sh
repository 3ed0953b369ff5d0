# tests/examples/checks.sh — what the check_*.sh scripts share; sourced, not run:
#   . "$(dirname "$0")/checks.sh" WORKDIR
# makes WORKDIR afresh and enters it, and defines
#   check DESCRIPTION COMMAND...   runs the command; prints ok or FAILED and counts failures
#   finish                         prints the count and exits 1 if any check failed
work=$1
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
failures=0
check() {
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else echo "FAILED: $what"; failures=$((failures + 1)); fi
}
finish() {
  echo "$failures failure(s)"
  exit $((failures > 0))
}
