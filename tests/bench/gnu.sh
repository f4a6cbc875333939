#!/usr/bin/env bash
# make bench-gnu [ARCH=i386] [UNTIL=hello] [BENCH_CPUS=1]: the packages of images/gnu-proxy.toml
# up to UNTIL, each built in the guest under seedboot's PID 1 (layers, sandbox, journal,
# hashes) against the same root image with tests/guest/baseline_init.cpp as /init (the same
# kernel, QEMU command, disks, tree and commands; plain /dev, /proc and /sys; none of the PID
# 1's checks), side by side, one QEMU each. Goal: the PID 1 within 1.05x. For context, each
# package's native build on this host (configure, make -j2 and its check, no install) and
# that build's peak memory (the largest process's RSS). Prints a table and writes
# build/bench/gnu.md; the consoles stay in build/bench/gnu/. Not part of `make test`.
NAME=bench-gnu
. "$(dirname "${BASH_SOURCE[0]}")/guest_lib.sh"
arch=${GNU_ARCH:-i386}
until=${UNTIL:-hello}
cpus=${BENCH_CPUS:-1}
OUT=$BUILD/bench/gnu
data=$BUILD/gnu-proxy/$arch
SEEDBOOT=$SB "$SRC/tools/gnu-proxy.sh" "$arch" "$data"
spec=$SRC/images/gnu-proxy.toml

# The steps up to UNTIL, as NAME or NAME:check (their build-package arguments).
steps=$(awk -F'"' '/^run = \["\/sources\/build-package"/ { print $4 ($6 == "check" ? ":check" : "") }' "$spec" |
  sed "/^$until\(:check\)\?\$/q")
grep -q "^$until\(:check\)\?\$" <<<"$steps" || die "UNTIL=$until is no step of $spec"

boot() { # boot WHO INIT
  local d=$OUT/$arch-$1
  case $d in "$OUT"/?*) rm -rf -- "$d" ;; esac
  mkdir -p "$d"
  "$SB" boot "$spec" --arch "$arch" --kernel "$(kernel_of "$arch")" --init "$2" --build-dir "$BUILD" \
    --out-dir "$d" --until "$until" --cpus "$cpus" --no-cache -q >"$d/boot.out" 2>&1 || true
  tr -d '\r' <"$d/console.log" >"$d/console.txt"
  grep -q '^SEEDBOOT-RESULT: ok' "$d/console.txt" || {
    tail -n 20 "$d/console.txt" >&2
    die "$arch under $1 did not pass: $d/console.log"
  }
}

# native NAME CHECK: seconds and peak KiB of the host's own build of the package.
native() {
  local w=$OUT/native/$1
  rm -rf "$w" && mkdir -p "$w"
  tar -xf "$data/sources/$1.tar" -C "$w" --strip-components=1
  (cd "$w" && /usr/bin/time -f '%e %M' -o "$w.time" sh -c \
    "./configure --prefix=/usr --disable-nls >/dev/null && make -j2 >/dev/null 2>&1 ${2:+&& make -j2 check >/dev/null 2>&1}") ||
    die "the host's own build of $1 failed"
  cat "$w.time"
}

mkdir -p "$OUT"
for f in "$(kernel_of "$arch")" "$BUILD/guest/$arch/init/init" "$BUILD/guest/$arch/tests/guest/baseline-init"; do
  [ -f "$f" ] || die "$f missing: make kernel-$arch init-$arch"
done
say "$arch until $until: seedboot's PID 1 and the baseline init, side by side, $cpus CPU(s) each"
boot seedboot "$BUILD/guest/$arch/init/init" &
ours=$!
boot baseline "$BUILD/guest/$arch/tests/guest/baseline-init" &
base=$!
wait "$ours" || die "under seedboot's PID 1 it did not pass"
wait "$base" || die "under the baseline init it did not pass"

step_time() { # step_time CONSOLE PREFIX NAME
  sed -n "s/^$2\[[0-9]*\/[0-9]*\] $3 end status=0 \([0-9.]*\) s.*/\1/p" "$1" | tail -1
}
{
  echo "GNU packages in an $arch guest (TCG, $cpus CPU each, side by side), seedboot's PID 1 vs a minimal init; host native for context ($(nproc) host cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(git -C "$SRC" describe --always --dirty 2>/dev/null || echo 'no git'))"
  echo
  echo "| package | seedboot | baseline | ratio | host native | host peak RSS |"
  echo "| --- | --- | --- | --- | --- | --- |"
  while IFS=: read -r name check; do
    ours=$(step_time "$OUT/$arch-seedboot/console.txt" 'seedboot: ' "$name")
    theirs=$(step_time "$OUT/$arch-baseline/console.txt" 'baseline: ' "$name")
    read -r host_s host_kib < <(native "$name" "$check")
    ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.3fx", a / b }')
    echo "| $name${check:+ (with make check)} | $ours s | $theirs s | $ratio | $host_s s | $((host_kib / 1024)) MiB |"
  done <<<"$steps"
} >"$BUILD/bench/gnu.md"
cat "$BUILD/bench/gnu.md"
say "wrote $BUILD/bench/gnu.md"
