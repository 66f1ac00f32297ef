#!/usr/bin/env bash
# Installs what is needed, builds from scratch when needed, and runs every test suite twice:
# the Release build, then the AddressSanitizer + UndefinedBehaviorSanitizer build.
# --quick skips the sanitizer pass.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    -h|--help) echo "usage: scripts/test.sh [--quick]"; exit 0 ;;
    *) echo "scripts/test.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done
scripts/install-deps.sh
# Shards: several tests per process (see README.md, Development); ctest runs the shards in parallel.
# Four per suite keep both cores busy to the end, and each shard starts its own moto_server and
# pays the sanitizer build's start-up once: more shards cost more than they balance.
BUILD_DIR=build scripts/build.sh -DDSPM_SANITIZE=OFF -DDSPM_TEST_SHARDS=4
(cd build && ctest --output-on-failure -j 2 --timeout 600)
if [ "$quick" -eq 0 ]; then
  echo "== sanitizer build (ASan + UBSan) ==" >&2
  # -g1: line tables, enough for the sanitizers' file:line stack traces, and 9 % less compile
  # time than full debug information.
  BUILD_DIR=build-sanitize BUILD_TYPE=Debug scripts/build.sh -DDSPM_SANITIZE=ON -DDSPM_BENCH=OFF \
    -DDSPM_TEST_SHARDS=4 -DCMAKE_CXX_FLAGS_DEBUG=-g1
  (cd build-sanitize && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
     UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     ctest --output-on-failure -j 2 --timeout 900)
fi
if [ "$quick" -eq 0 ]; then
  # The libFuzzer targets (fuzz/README.md): built with clang++-14 into build-fuzz/, each run for
  # FUZZ_SECONDS (5 here, against run.sh's 15: the regression seeds and a short mutation run, so
  # the whole script stays well under 30 minutes; longer runs are fuzz/run.sh's job); any crash
  # fails the script. --quick skips this too.
  export FUZZ_SECONDS="${FUZZ_SECONDS:-5}"
  echo "== fuzz targets (libFuzzer, ${FUZZ_SECONDS}s each) ==" >&2
  fuzz/run.sh
fi
