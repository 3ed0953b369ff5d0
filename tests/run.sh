#!/usr/bin/env bash
# Builds tapegrad and runs every test:   bash tests/run.sh [extra cmake arguments]
#
# The tests need doctest (Debian's doctest-dev package). When it is missing, this installs it
# with apt-get if it can (as root, or through sudo without a password), or says what to run.
# BUILD_DIR picks the build folder (default: build). Example, the sanitizer build CI also runs:
#   BUILD_DIR=build-sanitize bash tests/run.sh -DTAPEGRAD_SANITIZE=ON
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}

if [ ! -f /usr/include/doctest/doctest.h ] && [ ! -f /usr/lib/cmake/doctest/doctestConfig.cmake ]; then
  echo "tests/run.sh: doctest is missing; installing Debian's doctest-dev" >&2
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq doctest-dev
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq doctest-dev
  else
    echo "tests/run.sh: cannot install it from here. Run:  sudo apt-get install doctest-dev" >&2
    exit 1
  fi
fi

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B "$build_dir" "$@"
cmake --build "$build_dir" -j "$jobs"
ctest --test-dir "$build_dir" --output-on-failure -j "$jobs"
