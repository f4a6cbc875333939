#!/usr/bin/env bash
# make bench-stage0 SOURCES=DIR [BENCH_ARCHES="x86_64 i386 aarch64"] [BENCH_CPUS=N]: upstream stage0-posix
# (images/stage0.toml, its three kaem lines as three steps) under seedboot's PID 1 vs the same
# root image with tests/guest/baseline_init.cpp as /init: the same kernel, QEMU command, disks,
# tree and commands, none of the PID 1's checks. Per arch, the two side by side (one QEMU
# each, at the same time), the arches one after the other. Prints a table (guest clock) and writes build/bench/stage0.md; the consoles stay in
# build/bench/stage0/ARCH-{seedboot,baseline}/console.log. Not part of `make test`: about 5
# minutes per arch on 2 idle cores without KVM, much more under load.
NAME=bench-stage0
. "$(dirname "${BASH_SOURCE[0]}")/guest_lib.sh"
OUT=$BUILD/bench/stage0
[ -n "${SOURCES:-}" ] && [ -d "$SOURCES/stage0-posix" ] ||
  die "set SOURCES to the folder holding stage0-posix/ (seedboot get rootfs/locks/stage0-posix.lock --into DIR)"
SOURCES=$(cd "$SOURCES" && pwd)

# boot ARCH WHO INIT: one run of images/stage0.toml; the console goes to OUT/ARCH-WHO.
boot() {
  local d=$OUT/$1-$2
  case $d in "$OUT"/?*) rm -rf -- "$d" ;; esac
  mkdir -p "$d"
  # The baseline writes no /result, so seedboot calls its run failed: its console decides.
  "$SB" boot images/stage0.toml --arch "$1" --kernel "$(kernel_of "$1")" --init "$3" \
    --build-dir "$BUILD" --sources "$SOURCES" --out-dir "$d" --timeout 7200 -q \
    ${BENCH_CPUS:+--cpus "$BENCH_CPUS"} >"$d/boot.out" 2>&1 || true
  tr -d '\r' <"$d/console.log" >"$d/console.txt"
  grep -q '^SEEDBOOT-RESULT: ok' "$d/console.txt" || {
    tail -n 20 "$d/console.txt" >&2
    die "$1 under $2 did not pass: $d/console.log"
  }
}

mkdir -p "$OUT"
rows=()
for a in $ARCHES; do
  for f in "$(kernel_of "$a")" "$BUILD/guest/$a/init/init" "$BUILD/guest/$a/tests/guest/baseline-init"; do
    [ -f "$f" ] || die "$f missing: make kernel-$a init-$a"
  done
  # Both at once: whatever else loads the host falls on the two alike. (Two guests of two
  # CPU threads each on two loaded host cores starve one of them: BENCH_CPUS=1 keeps them even.)
  say "$a: seedboot's PID 1 and the baseline init, side by side"
  boot "$a" seedboot "$BUILD/guest/$a/init/init" &
  ours=$!
  boot "$a" baseline "$BUILD/guest/$a/tests/guest/baseline-init" &
  base=$!
  wait "$ours" || die "$a under seedboot's PID 1 did not pass"
  wait "$base" || die "$a under the baseline init did not pass"
  rows+=("$(python3 "$SRC/tests/bench/stage0_report.py" row "$a" "$OUT/$a-seedboot/console.txt" "$OUT/$a-baseline/console.txt")")
done
{
  echo "stage0-posix under seedboot's PID 1 vs a minimal init, guest clock ($(nproc) host cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(git -C "$SRC" describe --always --dirty 2>/dev/null || echo 'no git'))"
  echo
  python3 "$SRC/tests/bench/stage0_report.py" header
  printf '%s\n' "${rows[@]}"
} >"$BUILD/bench/stage0.md"
cat "$BUILD/bench/stage0.md"
say "wrote $BUILD/bench/stage0.md"
