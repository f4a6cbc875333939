#!/usr/bin/env bash
# make bench: seedboot against its peers, measured in one run on this machine.
# Writes build/bench/results.md (and raw.tsv, every figure of every run) and
# prints the table. Not part of `make test`. About 5-8 minutes on 2 cores
# without KVM. Everything it makes or removes lives in build/bench.
#
#   1. pack-dir vs gensquashfs and mksquashfs on a ~330 MiB generated tree
#      (zstd 15, 128 KiB blocks, one compressor thread, all owned by root,
#      mtime 1): wall time, size, peak RSS, byte-identical reruns
#   2. repack after one file changed, with a block cache warmed by packing the
#      tree before the change, vs a full pack (which has no cache)
#   3. `disk --work-size 1G` vs mke2fs; `extract` vs `debugfs rdump` of ~100 MiB
#   4. boot latency of the default chain on every arch, from the guest's clock
#   5. the default chain's QEMU run vs the same five programs under a minimal
#      init (tests/bench/minimal_init.c), x86_64 only
#   6. host hashing: `seedboot lock` vs `find | sha256sum`
#   7. boot-time verification in the guest vs a plain SHA-256 there, x86_64
#
# Environment: BENCH_REPS (default 3), BUILD (default ./build).
set -euo pipefail
export LC_ALL=C
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$SRC"
BUILD=$(cd "${BUILD:-build}" && pwd)
OUT=$BUILD/bench
REPS=${BENCH_REPS:-3}
RAW=$OUT/raw.tsv
META=$OUT/meta.tsv
HERE=$SRC/tests/bench
BENCH_START=$EPOCHREALTIME

kernel_of() { case $1 in aarch64) echo "$BUILD/kernel/$1/Image" ;; *) echo "$BUILD/kernel/$1/bzImage" ;; esac; }
init_of() { echo "$BUILD/guest/$1/init/init"; }
say() { printf 'bench: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

# ---------------------------------------------------------------------------
# tools

need() { # need COMMAND DEBIAN-PACKAGE
  command -v "$1" >/dev/null 2>&1 && return 0
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  say "installing $2 (for $1)"
  $sudo apt-get install -y -q --no-install-recommends "$2" >/dev/null ||
    { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q --no-install-recommends "$2" >/dev/null; }
  command -v "$1" >/dev/null 2>&1 || die "$1 still missing after installing $2"
}
[ -x /usr/bin/time ] || need /usr/bin/time time
need gensquashfs squashfs-tools-ng
need mksquashfs squashfs-tools
need debugfs e2fsprogs
need mke2fs e2fsprogs
need gcc build-essential
need python3 python3
need qemu-system-x86_64 qemu-system-x86
need qemu-system-aarch64 qemu-system-arm

for a in x86_64 i386 aarch64; do
  [ -f "$(kernel_of $a)" ] || die "$(kernel_of $a) missing: make kernel-$a"
  [ -f "$(init_of $a)" ] || die "$(init_of $a) missing: make init-$a"
done
[ -x "$BUILD/host/bin/seedboot" ] || die "$BUILD/host/bin/seedboot missing: make host"

mkdir -p "$OUT"
# A private copy, so that a rebuild during the run cannot swap the binary.
SB=$OUT/seedboot
rm -f "$SB"
cp "$BUILD/host/bin/seedboot" "$SB"
: >"$RAW"
: >"$META"

# ---------------------------------------------------------------------------
# recording

rec() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$RAW"; }
meta() { printf '%s\t%s\n' "$1" "$2" >>"$META"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
scratch() { # scratch PATH: removes PATH, which must lie in $OUT
  case $1 in "$OUT"/?*) rm -rf -- "$1" ;; *) die "refusing to remove $1 (outside $OUT)" ;; esac
}

# measure KEY RUN COMMAND...: wall time (KEY.time, s) and peak RSS (KEY.rss, KiB).
measure() {
  local key=$1 run=$2
  shift 2
  local t0=$EPOCHREALTIME rc=0
  /usr/bin/time -f %M -o "$OUT/time.out" "$@" >"$OUT/last.log" 2>&1 || rc=$?
  local t1=$EPOCHREALTIME
  if [ $rc != 0 ]; then
    cat "$OUT/last.log" >&2
    die "failed (exit $rc): $*"
  fi
  rec "$key.time" "$run" "$(elapsed "$t0" "$t1")"
  rec "$key.rss" "$run" "$(tail -n 1 "$OUT/time.out")"
}

# Prefixes every line with the host time it arrived (bash's EPOCHREALTIME: no process per line).
stamp() {
  local line
  while IFS= read -r line || [ -n "$line" ]; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done
}

# console_keys PREFIX RUN STAMPED_LOG: records PREFIX.pid1, .first_step, .poweroff, ...
console_keys() {
  local prefix=$1 run=$2 k v
  while IFS='=' read -r k v; do rec "$prefix.$k" "$run" "$v"; done < <(python3 "$HERE/report.py" console "$3")
}

meta date "$(date -u '+%Y-%m-%d %H:%M UTC')"
meta host "$(nproc) cores, $(uname -m), $(awk '/MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo), $( [ -w /dev/kvm ] && echo KVM || echo 'no KVM')"
meta load_start "$(cut -d' ' -f1-3 /proc/loadavg)"
meta reps "$REPS"
meta source "$(git -C "$SRC" describe --always --dirty 2>/dev/null || echo 'not a git checkout')"
meta command "${BENCH_COMMAND:-make bench}"
meta versions "$(gensquashfs --version | head -n 1); $(mksquashfs -version | head -n 1 | cut -d' ' -f1-3); e2fsprogs $(mke2fs -V 2>&1 | head -n 1 | awk '{ print $2 }'); $(sha256sum --version | head -n 1); $(qemu-system-x86_64 --version | head -n 1)"

# ---------------------------------------------------------------------------
# the tree: generated once, kept while gen_tree.py is unchanged

TREE=$OUT/tree
SUB=$OUT/subset
gen_stamp=$(sha256sum "$HERE/gen_tree.py" | cut -d' ' -f1)
if [ "$(cat "$OUT/tree.stamp" 2>/dev/null)" != "$gen_stamp" ] || [ ! -d "$TREE" ] || [ ! -d "$SUB" ]; then
  say "generating the benchmark tree in $TREE"
  scratch "$TREE"
  scratch "$SUB"
  rm -f "$OUT/tree.stamp"
  python3 "$HERE/gen_tree.py" "$TREE"
  python3 "$HERE/gen_tree.py" --subset "$TREE" "$SUB" 100
  echo "$gen_stamp" >"$OUT/tree.stamp"
fi
tree_bytes=$(find "$TREE" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
tree_files=$(find "$TREE" -type f | wc -l)
sub_bytes=$(find "$SUB" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
sub_files=$(find "$SUB" -type f | wc -l)
meta tree "$(awk -v b="$tree_bytes" 'BEGIN { printf "%.0f MB", b / 1e6 }') in $tree_files files"
meta subset "$(awk -v b="$sub_bytes" 'BEGIN { printf "%.0f MB", b / 1e6 }') in $sub_files files"

# The incremental case: the same tree with one small file changed (hard links, one new file).
MOD=$OUT/tree-mod
scratch "$MOD"
cp -al "$TREE" "$MOD"
changed=small/d00/e00/f00000.c
rm "$MOD/$changed"
{ cat "$TREE/$changed"; echo "/* changed for the incremental repack */"; } >"$MOD/$changed"

# ---------------------------------------------------------------------------
# 1 + 2: packing

IMG=$OUT/pack.sqfs
GENSQ=(gensquashfs -D "$TREE" -c zstd -X level=15 -b 131072 -j 1 --all-root --defaults mtime=1 -q -f "$IMG")
# mksquashfs refuses -mkfs-time/-all-time when SOURCE_DATE_EPOCH is set (the Makefile exports it).
MKSQ=(env -u SOURCE_DATE_EPOCH mksquashfs "$TREE" "$IMG" -comp zstd -Xcompression-level 15 -b 131072 -processors 1 -all-root
  -mkfs-time 1 -all-time 1 -always-use-fragments -no-exports -no-xattrs -noappend -quiet -no-progress)
meta cmd.1-seedboot "seedboot pack-dir TREE -o X.sqfs"
meta cmd.1-gensquashfs "${GENSQ[*]}"
meta cmd.1-mksquashfs "${MKSQ[*]:3}"
meta cmd.2-incremental "seedboot pack-dir TREE-WITH-ONE-FILE-CHANGED --block-cache DIR -o X.sqfs (DIR: a fresh cache after one untimed pack-dir TREE --block-cache DIR; $changed: one line appended)"

packed() { # packed KEY RUN: size and hash of $IMG, then remove it
  rec "$1.size" "$2" "$(stat -c %s "$IMG")"
  rec "$1.sha" "$2" "$(sha256sum "$IMG" | cut -d' ' -f1)"
  rm -f "$IMG"
}
pack_with() { # pack_with TOOL RUN
  case $1 in
    seedboot) measure pack.seedboot "$2" "$SB" pack-dir "$TREE" -o "$IMG" ;;
    gensquashfs) measure pack.gensquashfs "$2" "${GENSQ[@]}" ;;
    mksquashfs) measure pack.mksquashfs "$2" "${MKSQ[@]}" ;;
  esac
  packed "pack.$1" "$2"
}
# The incremental repack's cache: filled once from the unchanged tree (not timed), and
# each repetition starts from a copy of it, so each sees the same single change. Hard
# links are enough: entries are replaced by rename, never written in place.
CACHE=$OUT/block-cache
scratch "$CACHE.warm"
"$SB" pack-dir "$TREE" --block-cache "$CACHE.warm" -o "$IMG" >"$OUT/last.log" 2>&1 || { cat "$OUT/last.log" >&2; die "warming the block cache failed"; }
rm -f "$IMG"
packers=(seedboot gensquashfs mksquashfs)
for r in $(seq 1 "$REPS"); do
  say "packing, repetition $r/$REPS"
  rm -f "$IMG"
  # The order rotates with each repetition, so that no packer always runs first.
  for i in 0 1 2; do pack_with "${packers[(r - 1 + i) % 3]}" "$r"; done
  scratch "$CACHE"
  cp -al "$CACHE.warm" "$CACHE"
  measure pack.incremental "$r" "$SB" pack-dir "$MOD" --block-cache "$CACHE" -o "$IMG"
  packed pack.incremental "$r"
done
scratch "$MOD"
scratch "$CACHE"
scratch "$CACHE.warm"

# ---------------------------------------------------------------------------
# 3: work file system

W=$OUT/work-1g.img
meta cmd.3-disk "seedboot disk --arch x86_64 --work-size 1G -o w.img"
meta cmd.3-mke2fs "mke2fs -t ext4 -q -F img 1G"
meta cmd.3-mke2fs-pinned "mke2fs -t ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0,nodiscard img 1G"
for r in $(seq 1 "$REPS"); do
  say "work file system, repetition $r/$REPS"
  rm -f "$W"
  measure workfs.seedboot "$r" "$SB" disk --arch x86_64 --work-size 1G -o "$W"
  rec workfs.seedboot.alloc "$r" "$(($(stat -c %b "$W") * $(stat -c %B "$W")))"
  rm -f "$W"
  measure workfs.mke2fs "$r" mke2fs -t ext4 -q -F "$W" 1G
  rec workfs.mke2fs.alloc "$r" "$(($(stat -c %b "$W") * $(stat -c %B "$W")))"
  rm -f "$W"
  measure workfs.mke2fs_pinned "$r" mke2fs -t ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0,nodiscard "$W" 1G
  rm -f "$W"
done

E=$OUT/extract.img
X=$OUT/extracted
rm -f "$E"
mke2fs -t ext4 -q -F -d "$SUB" "$E" 256M >"$OUT/last.log" 2>&1 || { cat "$OUT/last.log" >&2; die "mke2fs -d $SUB failed"; }
meta cmd.3-extract "seedboot extract IMG --path / -o DIR (IMG: mke2fs -t ext4 -d SUBSET IMG 256M)"
meta cmd.3-debugfs "debugfs -R 'rdump / DIR' IMG"
for r in $(seq 1 "$REPS"); do
  say "extraction, repetition $r/$REPS"
  scratch "$X"
  measure extract.seedboot "$r" "$SB" extract "$E" --path / -o "$X"
  [ "$r" != 1 ] || diff -r -x lost+found "$SUB" "$X" >/dev/null || die "seedboot extract: the tree differs from $SUB"
  scratch "$X"
  mkdir "$X"
  measure extract.debugfs "$r" debugfs -R "rdump / $X" "$E"
  [ "$r" != 1 ] || diff -r -x lost+found "$SUB" "$X" >/dev/null || die "debugfs rdump: the tree differs from $SUB"
done
scratch "$X"
rm -f "$E"

# ---------------------------------------------------------------------------
# 4: boot latency (the console is copied to stdout as it arrives; each line gets a host
# timestamp, which dates the step lines that carry no guest timestamp)

meta cmd.4-boot "seedboot boot images/default.toml --arch A --kernel K --init I --out-dir DIR (console piped through a line timestamper)"
for a in x86_64 i386 aarch64; do
  for r in $(seq 1 "$REPS"); do
    say "booting $a, repetition $r/$REPS"
    d=$OUT/boot/$a-$r
    scratch "$d"
    mkdir -p "$d"
    t0=$EPOCHREALTIME
    rc=0
    "$SB" boot images/default.toml --arch "$a" --kernel "$(kernel_of "$a")" --init "$(init_of "$a")" \
      --build-dir "$BUILD" --out-dir "$d" --timeout 300 2>&1 | stamp >"$d/stamped.log" || rc=$?
    t1=$EPOCHREALTIME
    [ $rc = 0 ] || say "boot $a run $r failed (exit $rc); see $d/console.log"
    rec "boot.$a.wall" "$r" "$(elapsed "$t0" "$t1")"
    console_keys "boot.$a" "$r" "$d/stamped.log"
  done
done

# ---------------------------------------------------------------------------
# 5: chain overhead, x86_64: the root disk of a `seedboot boot` above vs a minimal init's,
# through the same QEMU command line as seedboot's runner (qemu/machines.cpp), fresh work disk

C=$OUT/chain
scratch "$C"
mkdir -p "$C/root/dev" "$C/root/work" "$C/root/seed" "$C/root/sources/chain"
gcc -static -O2 -Wall -Wextra -o "$C/root/init" "$HERE/minimal_init.c"
cp rootfs/seed/x86_64/hex0-seed "$C/root/seed/hex0-seed"
cp rootfs/seed/x86_64/hex0.hex0 "$C/root/seed/hex0-seed.hex0"
cp rootfs/chain/x86_64/* "$C/root/sources/chain/"
"$SB" pack-dir "$C/root" -o "$C/minimal.sqfs" >/dev/null
"$SB" disk --arch x86_64 --root "$C/minimal.sqfs" -o "$C/minimal-root.img" >/dev/null
SEEDBOOT_ROOT=$OUT/boot/x86_64-1/root.img
[ -f "$SEEDBOOT_ROOT" ] || die "$SEEDBOOT_ROOT missing: the x86_64 boot above failed"

qemu_x86() { # qemu_x86 ROOT_DISK WORK_DISK
  timeout 300 qemu-system-x86_64 -machine q35 -cpu max -nodefaults -nographic -no-reboot -nic none \
    -monitor none -serial stdio -accel tcg,thread=multi -m 1024 -smp "$(nproc)" -kernel "$(kernel_of x86_64)" \
    -drive "if=none,format=raw,id=d0,readonly=on,file=$1" -device virtio-blk-pci,drive=d0 \
    -drive "if=none,format=raw,id=d1,file=$2" -device virtio-blk-pci,drive=d1 </dev/null
}
meta cmd.5-qemu "qemu-system-x86_64 -machine q35 -cpu max -nodefaults -nographic -no-reboot -nic none -monitor none -serial stdio -accel tcg,thread=multi -m 1024 -smp NPROC -kernel bzImage -drive ROOT (ro) -drive WORK (fresh: seedboot disk --arch x86_64 --work-size 32M --work-for ROOT.sqfs)"
chain_run() { # chain_run NAME RUN ROOT_DISK
  local log=$C/$1-$2.log t0 t1 rc=0
  # A work disk made for seedboot's root (its PID 1 takes no other); the minimal init ignores that.
  "$SB" disk --arch x86_64 --work-size 32M --work-for "${SEEDBOOT_ROOT%.img}.sqfs" -o "$C/work.img" >/dev/null
  t0=$EPOCHREALTIME
  qemu_x86 "$3" "$C/work.img" 2>&1 | stamp >"$log" || rc=$?
  t1=$EPOCHREALTIME
  if ! grep -q 'hello from the x86_64 seed chain' "$log" || ! grep -q 'SEEDBOOT-RESULT: ok' "$log"; then
    tail -n 20 "$log" >&2
    die "$1 chain run $2 did not pass (exit $rc)"
  fi
  rec "chain.$1.time" "$2" "$(elapsed "$t0" "$t1")"
  console_keys "chain.$1" "$2" "$log"
}
for r in $(seq 1 "$REPS"); do
  say "chain overhead, repetition $r/$REPS"
  if [ $((r % 2)) = 1 ]; then
    chain_run seedboot "$r" "$SEEDBOOT_ROOT"
    chain_run minimal "$r" "$C/minimal-root.img"
  else
    chain_run minimal "$r" "$C/minimal-root.img"
    chain_run seedboot "$r" "$SEEDBOOT_ROOT"
  fi
done
rm -f "$C/work.img"

# ---------------------------------------------------------------------------
# 6: hashing on the host (the page cache holds the tree for both)

meta cmd.6-seedboot "seedboot lock TREE --name bench"
meta cmd.6-sha256sum "find TREE -type f -exec sha256sum {} +"
for r in $(seq 1 "$REPS"); do
  say "hashing, repetition $r/$REPS"
  hash_seedboot() { measure hash.seedboot "$r" "$SB" lock "$TREE" --name bench; }
  # shellcheck disable=SC2016 # $1 is the inner shell's
  hash_coreutils() { measure hash.sha256sum "$r" sh -c 'find "$1" -type f -exec sha256sum {} + >/dev/null' sh "$TREE"; }
  if [ $((r % 2)) = 1 ]; then hash_seedboot; hash_coreutils; else hash_coreutils; hash_seedboot; fi
done

# ---------------------------------------------------------------------------
# 7: boot-time verification in the guest, x86_64: the PID 1's manifest check (every file of
# /seed and /sources read from the squashfs and hashed) against a plain SHA-256 of the same
# 48 MiB source by a step (sandbox-probe --sha256, libsodium, the PID 1's library). The step
# reads the file after the PID 1 has: from the page cache, which favours the peer.

V=$OUT/verify
scratch "$V"
mkdir -p "$V"
python3 -c 'import random, sys; random.seed(8); sys.stdout.buffer.write(random.randbytes(48 << 20))' >"$V/blob"
cat >"$V/verify.toml" <<SPEC
[image]
description = "bench: the PID 1's verification of a 48 MiB source vs a plain SHA-256 of it"
arches = ["x86_64"]
epoch = 1
work_size = "32M"
boot_timeout = 300

[[source]]
name = "sandbox-probe"
path = "{build}/guest/{arch}/tests/guest/sandbox-probe"

[[source]]
name = "blob"
path = "blob"

[build]
dirs = ["/tmp"]

[[step]]
name = "plain-sha256"
run = ["/sources/sandbox-probe", "--sha256", "/sources/blob"]
timeout = 120
SPEC
probe_bytes=$(stat -c %s "$BUILD/guest/x86_64/tests/guest/sandbox-probe")
blob_bytes=$(stat -c %s "$V/blob")
meta cmd.7-verify "seedboot boot VERIFY.toml (a 48 MiB source): the PID 1's 'manifest' time vs sandbox-probe --sha256 /sources/blob"
for r in $(seq 1 "$REPS"); do
  say "verification in the guest, repetition $r/$REPS"
  scratch "$V/run"
  "$SB" boot "$V/verify.toml" --arch x86_64 --kernel "$(kernel_of x86_64)" --init "$(init_of x86_64)" \
    --build-dir "$BUILD" --out-dir "$V/run" -q >/dev/null 2>&1 || die "the verification boot failed: $V/run/console.log"
  manifest_ms=$(tr -d '\r' <"$V/run/console.log" | sed -n 's/.*PID 1 share: .*manifest \([0-9]*\),.*/\1/p')
  plain_ms=$(tr -d '\r' <"$V/run/console.log" | sed -n 's/^> sha256 [0-9]* bytes in \([0-9.]*\) ms.*/\1/p')
  [ -n "$manifest_ms" ] && [ -n "$plain_ms" ] || die "no timings in $V/run/console.log"
  # Our time scaled to the blob's bytes: the manifest check also hashed the probe binary.
  rec verify.pid1.time "$r" "$(awk -v m="$manifest_ms" -v b="$blob_bytes" -v p="$probe_bytes" 'BEGIN { printf "%.4f", m / 1000 * b / (b + p) }')"
  rec verify.plain.time "$r" "$(awk -v m="$plain_ms" 'BEGIN { printf "%.4f", m / 1000 }')"
done
scratch "$V"

# ---------------------------------------------------------------------------

meta load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
meta elapsed "$(awk -v a="$BENCH_START" -v b="$EPOCHREALTIME" 'BEGIN { s = b - a; printf "%d min %02d s", s / 60, s % 60 }')"
rm -f "$OUT/time.out" "$OUT/last.log"
python3 "$HERE/report.py" table "$RAW" "$META" >"$OUT/results.md"
cat "$OUT/results.md"
say "wrote $OUT/results.md"
