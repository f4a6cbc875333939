#!/usr/bin/env bash
# run.sh BUILD_DIR SECONDS [TARGET...]: what `make fuzz` runs after building BUILD_DIR (cmake
# -DSEEDBOOT_FUZZ=ON with clang++). Without TARGETs, every target tests/fuzz/CMakeLists.txt
# lists (it writes them to BUILD_DIR/fuzz-targets). For each target:
#   1. replays tests/fuzz/regressions/TARGET/* once (inputs that once crashed: they must not now);
#   2. fuzzes for SECONDS from the committed seeds in tests/fuzz/corpus/TARGET, writing what it
#      learns to BUILD_DIR/corpus/TARGET (the committed corpus is only read) and anything it
#      finds to BUILD_DIR/artifacts/TARGET/ (crash-*, leak-*, timeout-*, oom-*);
# then prints a table, also written to BUILD_DIR/summary.md: per target the seconds it ran, the
# executions (libFuzzer's stat::number_of_executed_units) and exec/s, the corpus it ended with
# (inputs/bytes, seeds included), the regression replay and what was found. Exits 1 when
# anything was found, in a regression replay or by fuzzing.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: run.sh BUILD_DIR SECONDS [TARGET...]}
seconds=${2:?usage: run.sh BUILD_DIR SECONDS [TARGET...]}
shift 2
if [ $# -eq 0 ]; then
  [ -f "$build/fuzz-targets" ] || { echo "run.sh: $build/fuzz-targets is missing (build $build first)" >&2; exit 2; }
  mapfile -t targets <"$build/fuzz-targets"
  set -- "${targets[@]}"
fi

# Crafted headers make libsquashfs and libext2fs malloc whatever size they name: such a malloc
# above 1 GiB returns NULL (the library reports an error) instead of aborting the run; libFuzzer's
# own limits stop what gets past that. UBSan findings are fatal and come with a stack.
export ASAN_OPTIONS=${ASAN_OPTIONS:-allocator_may_return_null=1:max_allocation_size_mb=1024:detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
limits=(-rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10)

failed=0
rows=()
total_seconds=0 total_execs=0
for t in "$@"; do
  bin="$build/bin/fuzz_$t"
  [ -x "$bin" ] || { echo "run.sh: $bin is missing (build $build first)" >&2; exit 2; }
  seeds="$here/corpus/$t" regressions="$here/regressions/$t"
  corpus="$build/corpus/$t" artifacts="$build/artifacts/$t" log="$build/logs/$t.log"
  mkdir -p "$corpus" "$artifacts" "$build/logs"
  rm -f "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-*

  regress="none"
  mapfile -t inputs < <(find "$regressions" -type f 2>/dev/null | sort)
  if [ ${#inputs[@]} -gt 0 ]; then
    if "$bin" "${limits[@]}" "${inputs[@]}" >"$build/logs/$t.regressions.log" 2>&1; then
      regress="${#inputs[@]} ok"
    else
      regress="FAILED (see $build/logs/$t.regressions.log)"
      failed=1
    fi
  fi

  dict=()
  [ -f "$here/dict/$t.dict" ] && dict=(-dict="$here/dict/$t.dict")
  echo "fuzz_$t: ${seconds}s (log: $log)"
  start=$(date +%s)
  "$bin" "${limits[@]}" "${dict[@]}" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$corpus" "$seeds" >"$log" 2>&1
  rc=$?
  ran=$(($(date +%s) - start))
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
  [ -n "$execs" ] || execs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
  # The last status line's "corp: INPUTS/BYTES": what the fuzzer kept, seeds included.
  corp=$(grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$log" | tail -1 | cut -d' ' -f2)
  found=$(find "$artifacts" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o \
    -name 'timeout-*' -o -name 'oom-*' \) | sort)
  if [ $rc -eq 0 ] && [ -z "$found" ]; then
    what="nothing"
  else
    failed=1
    kind=$(grep -m1 -oE 'ERROR: (libFuzzer: [a-z -]+|AddressSanitizer: [A-Za-z-]+|LeakSanitizer)|runtime error: .*|fuzz property violated: .*' "$log")
    found=${found:-no artifact}
    what="FOUND (exit $rc): ${kind:-see log}; ${found//$'\n'/ }"
    grep -m1 -B2 -A30 -E '==ERROR|runtime error|fuzz property violated|deadly signal' "$log" | head -40 >&2
  fi
  total_seconds=$((total_seconds + ran)) total_execs=$((total_execs + ${execs:-0}))
  rows+=("| $t | $ran | ${execs:-?} | ${rate:-?} | ${corp:-?} | $regress | $what |")
done

summary="$build/summary.md"
{
  echo "# make fuzz: ${seconds}s per target, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "| target | seconds | executions | exec/s | corpus (inputs/bytes) | regressions | found |"
  echo "| --- | ---: | ---: | ---: | --- | --- | --- |"
  printf '%s\n' "${rows[@]}"
  echo "| total | $total_seconds | $total_execs | | | | |"
  echo
  echo "Corpora in $build/corpus, findings in $build/artifacts, logs in $build/logs."
} >"$summary"
echo
cat "$summary"
if [ $failed -ne 0 ]; then
  echo "fuzz: FOUND problems: reproduce with $build/bin/fuzz_TARGET ARTIFACT (table: $summary)" >&2
  exit 1
fi
echo "fuzz: nothing found in $total_seconds s (table: $summary)"
