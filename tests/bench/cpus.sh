#!/usr/bin/env bash
# make bench-cpus [SOURCES=DIR] [BENCH_ARCHES="x86_64 i386 aarch64"] [BENCH_JOBS=16] [BENCH_REPS=3]:
# what the guest's CPUs buy, per arch, under seedboot's PID 1: each workload booted with one
# guest CPU, then with one per host core, BENCH_REPS times (one QEMU at a time, the two counts
# interleaved, so that both meet the same host; a shared host varies by tens of percent).
#   - a make -jN stand-in (tests/guest/parallel_work.cpp): BENCH_JOBS jobs, N at once, each its
#     own process, N = host cores. Needs nothing supplied.
#   - with SOURCES (the folder holding stage0-posix/): upstream stage0-posix (images/stage0.toml),
#     a chain that runs one process at a time.
# Prints a table (guest clock, median and range) and writes build/bench/cpus.md; the consoles
# stay in build/bench/cpus/ARCH-WORKLOAD-NCPU-REP/console.log. Not part of `make test`: about a
# minute per arch and repetition without SOURCES; stage0-posix adds 7 (x86) to 17 (aarch64).
NAME=bench-cpus
. "$(dirname "${BASH_SOURCE[0]}")/guest_lib.sh"
OUT=$BUILD/bench/cpus
JOBS=${BENCH_JOBS:-16}
REPS=${BENCH_REPS:-3}
HOST=$(nproc)
[ "$HOST" -gt 1 ] || die "this host has one core: there is nothing to compare"
[ "$REPS" -ge 1 ] 2>/dev/null || die "BENCH_REPS=$REPS (expected a count of 1 or more)"
if [ -n "${SOURCES:-}" ]; then
  [ -d "$SOURCES/stage0-posix" ] ||
    die "SOURCES=$SOURCES holds no stage0-posix/ (seedboot get rootfs/locks/stage0-posix.lock --into DIR)"
  SOURCES=$(cd "$SOURCES" && pwd)
fi
case $OUT in "$BUILD"/?*) rm -rf -- "$OUT" ;; esac
mkdir -p "$OUT"
# The make -jN stand-in as a one-step spec; its jobs write into the build tree's /tmp.
cat >"$OUT/parallel.toml" <<EOF
[image]
description = "make -j$HOST stand-in: $JOBS jobs, $HOST at once (tests/guest/parallel_work.cpp)"
arches = ["i386", "x86_64", "aarch64"]
epoch = 1
work_size = "64M"
boot_timeout = 3600

[[source]]
name = "parallel-work"
path = "{build}/guest/{arch}/tests/guest/parallel-work"

[build]
dirs = ["/tmp"]

[[step]]
name = "parallel-work"
run = ["/sources/parallel-work", "$JOBS", "$HOST", "/tmp/jobs"]
timeout = 3000
EOF

# boot ARCH WORKLOAD SPEC CPUS REP: one run under the PID 1; its console goes to
# OUT/ARCH-WORKLOAD-CPUS-REP.
boot() {
  local d=$OUT/$1-$2-$4-$5
  case $d in "$OUT"/?*) rm -rf -- "$d" ;; esac
  mkdir -p "$d"
  say "$1: $2 with $4 guest CPU(s), repetition $5/$REPS"
  "$SB" boot "$3" --arch "$1" --kernel "$(kernel_of "$1")" --init "$BUILD/guest/$1/init/init" \
    --build-dir "$BUILD" ${SOURCES:+--sources "$SOURCES"} --out-dir "$d" --timeout 7200 -q \
    --cpus "$4" >"$d/boot.out" 2>&1 || {
    tail -n 20 "$d/boot.out" >&2
    die "$1: $2 with $4 CPU(s) did not pass: $d/console.log"
  }
  tr -d '\r' <"$d/console.log" >"$d/console.txt"
}

rows=()
for a in $ARCHES; do
  for f in "$(kernel_of "$a")" "$BUILD/guest/$a/init/init" "$BUILD/guest/$a/tests/guest/parallel-work"; do
    [ -f "$f" ] || die "$f missing: make kernel-$a init-$a"
  done
  workloads=(parallel)
  [ -z "${SOURCES:-}" ] || workloads+=(stage0)
  for w in "${workloads[@]}"; do
    spec=$OUT/parallel.toml
    [ "$w" = parallel ] || spec=images/stage0.toml
    for r in $(seq 1 "$REPS"); do
      boot "$a" "$w" "$spec" 1 "$r"
      boot "$a" "$w" "$spec" "$HOST" "$r"
    done
    rows+=("$(python3 "$SRC/tests/bench/cpus_report.py" row "$a" "$w" "$HOST" "$OUT")")
  done
done
{
  echo "Guest CPUs under seedboot's PID 1, guest clock, TCG ($HOST host cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(git -C "$SRC" describe --always --dirty 2>/dev/null || echo 'no git'))"
  echo
  python3 "$SRC/tests/bench/cpus_report.py" header "$HOST"
  printf '%s\n' "${rows[@]}"
} >"$BUILD/bench/cpus.md"
cat "$BUILD/bench/cpus.md"
say "wrote $BUILD/bench/cpus.md"
