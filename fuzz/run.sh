#!/usr/bin/env bash
# Builds the libFuzzer targets into build-fuzz/ (clang++-14, ASan + UBSan) and runs each for a
# bounded time: FUZZ_SECONDS per target (default 15). The seeds in fuzz/corpus/<target>/ are only
# read; what the fuzzer finds goes to build-fuzz/fuzz-work/<target>/ (kept across runs, so later
# runs start from it). Exits non-zero when a target crashes, leaks or breaks a property; the input
# is then in build-fuzz/fuzz-work/<target>-crash-*.
# usage: fuzz/run.sh [target ...]   (default: every target; names as in fuzz/corpus/)
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${FUZZ_SECONDS:-15}"
build="${FUZZ_BUILD_DIR:-build-fuzz}"
cxx="${FUZZ_CXX:-clang++-14}"

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DCMAKE_CXX_COMPILER="$cxx" \
  -DDSPM_FUZZ=ON -DDSPM_TESTS=OFF -DDSPM_BENCH=OFF >/dev/null
cmake --build "$build" --target dspm_fuzz -j "$(nproc)"

targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  targets=(aws_response aws_error ini env catalog router collector_rows mutelist report)
fi
work="$build/fuzz-work"
mkdir -p "$work"
failed=()
for t in "${targets[@]}"; do
  bin="$build/fuzz/fuzz_$t"
  if [ ! -x "$bin" ]; then
    echo "fuzz: $t not built (its parser is missing from this tree), skipped" >&2
    continue
  fi
  mkdir -p "$work/$t"
  dict=()
  if [ -f "fuzz/dict/$t.dict" ]; then dict=(-dict="fuzz/dict/$t.dict"); fi
  log="$work/$t.log"
  if ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" \
     UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
     "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$work/$t-" "${dict[@]}" "$work/$t" "fuzz/corpus/$t" >"$log" 2>&1; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    echo "fuzz: $t ok: ${execs:-?} runs in ${secs}s (${speed:-?}/s), coverage ${cov:-?}" >&2
  else
    echo "fuzz: $t FAILED (log $log):" >&2
    grep -E -A40 '^==[0-9]+==ERROR|runtime error|fuzz property broken|deadly signal|Test unit written' \
      "$log" | head -80 >&2 || tail -40 "$log" >&2
    failed+=("$t")
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz: crashes in ${failed[*]}" >&2
  exit 1
fi
