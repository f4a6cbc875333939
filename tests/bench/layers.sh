#!/usr/bin/env bash
# make bench-layers [BENCH_ARCHES=x86_64] [BENCH_REPS=5]: what layered build roots cost a step,
# per arch, on the guest's clock (TCG here), with tests/guest/tree_work.cpp as the steps:
#   1. per-step cost against the root's size: roots of 1,000, 10,000 and 100,000 files, then a
#      step that appends to one file. Its layer's setup (journal, empty folder, overlay mount)
#      and commit (digest, sync, journal) and the layer's size, from the PID 1's "layer NNNN:"
#      line; beside them the peer: lstat()ing the whole root, which is what each step's
#      checkpoint cost when seedboot listed the root before every step (before layers).
#   2. FROM for a 10,000-file root (a StageX-shaped Containerfile this script writes):
#      `FROM base AS shared` against `FROM scratch` + `COPY --from=base / /`, the full copy
#      FROM made before layers; time and the disk the new root's first layer takes.
#   3. the same compile stand-in in a layered root (seedboot's PID 1) and in a plain folder
#      (tests/guest/baseline_init.cpp: the same /plan, disks and kernel, chroot into a plain
#      ext4 tree), BENCH_REPS times, interleaved; medians. Two mixes: lookup-bound (64 passes
#      over each file's text) and a compile's CPU share (1024 passes).
# Prints the tables and writes build/bench/layers.md; consoles stay in build/bench/layers/.
# Not part of `make test`: about 8 minutes for x86_64 on 2 idle cores.
NAME=bench-layers
BENCH_ARCHES=${BENCH_ARCHES:-x86_64}
. "$(dirname "${BASH_SOURCE[0]}")/guest_lib.sh"
OUT=$BUILD/bench/layers
REPS=${BENCH_REPS:-5}
[ "$REPS" -ge 1 ] 2>/dev/null || die "BENCH_REPS=$REPS (expected a count of 1 or more)"
case $OUT in "$BUILD"/?*) rm -rf -- "$OUT" ;; esac
mkdir -p "$OUT"

# spec NAME SIZE STEPS...: a plain spec whose steps are tree-work commands ("name:arg arg").
spec() {
  local name=$1 size=$2
  shift 2
  {
    printf '[image]\narches = ["i386", "x86_64", "aarch64"]\nepoch = 1\nwork_size = "%s"\n' "$size"
    printf 'boot_timeout = 7200\n\n[[source]]\nname = "tree-work"\n'
    printf 'path = "{build}/guest/{arch}/tests/guest/tree-work"\n'
    for s in "$@"; do
      local args
      args=$(printf '"%s", ' ${s#*:})
      printf '\n[[step]]\nname = "%s"\nrun = ["/sources/tree-work", %s]\ntimeout = 7000\n' \
        "${s%%:*}" "${args%, }"
    done
  } >"$OUT/$name.toml"
}

# boot ARCH SPEC INIT DIR [args]: one run; DIR/console.txt must end in SEEDBOOT-RESULT: ok.
boot() {
  local arch=$1 s=$2 init=$3 d=$4
  shift 4
  mkdir -p "$d"
  say "$arch: $(basename "$s" .toml) under $(basename "$init") -> $d"
  # baseline-init writes no /result, so seedboot calls its run failed: the console decides.
  "$SB" boot "$s" --arch "$arch" --kernel "$(kernel_of "$arch")" --init "$init" \
    --build-dir "$BUILD" --out-dir "$d" --no-cache --timeout 7200 -q "$@" >"$d/boot.out" 2>&1 || true
  tr -d '\r' <"$d/console.log" >"$d/console.txt"
  grep -q '^SEEDBOOT-RESULT: ok' "$d/console.txt" || {
    tail -n 20 "$d/console.txt" >&2
    die "$arch: $s under $init did not pass: $d/console.log"
  }
}

# The StageX-shaped tree for FROM: a stage-0 image holding tree-work, one Containerfile.
from_tree() {
  local d=$OUT/from-$1 pkg
  pkg=$d/sx/stagex/packages/bootstrap/stage1
  mkdir -p "$pkg" "$d/sx/stagex-fetch/stage1" "$d/s0/bin"
  cp "$BUILD/guest/$1/tests/guest/tree-work" "$d/s0/bin/"
  "$SB" pack-dir "$d/s0" -o "$d/stage0.sqfs" >/dev/null
  printf '[package]\nname = "stage1"\nplatforms = ["linux/%s"]\n' \
    "$(case $1 in x86_64) echo amd64 ;; i386) echo 386 ;; aarch64) echo arm64 ;; esac)" >"$pkg/package.toml"
  cat >"$pkg/Containerfile" <<'EOF'
FROM scratch AS base
COPY --from=stagex/bootstrap-stage0 /bin /usr/bin
RUN ["/usr/bin/tree-work", "fill", "/src", "10000"]
FROM base AS shared
RUN ["/usr/bin/tree-work", "touch", "/src/0000/00"]
FROM scratch AS copied
COPY --from=base / /
RUN ["/usr/bin/tree-work", "touch", "/src/0000/00"]
FROM scratch AS package
COPY --from=shared /src/0000 /shared
COPY --from=copied /src/0000 /copied
EOF
  printf '[image]\narches = ["%s"]\nepoch = 1\nwork_size = "512M"\nboot_timeout = 3600\n\n' "$1" >"$d/from.toml"
  printf '[stagex]\ntree = "{sources}/stagex"\nstage = 1\nfetch = "{sources}/stagex-fetch"\n' >>"$d/from.toml"
  printf 'images = { "stagex/bootstrap-stage0" = "stage0.sqfs" }\n' >>"$d/from.toml"
}

# 100,000 small files need about 102,000 inodes: the work file system has one per 16 KiB.
for n in 1000 10000 100000; do
  spec "size-$n" "$([ "$n" -gt 10000 ] && echo 2G || echo 512M)" \
    "fill:fill /src $n" "touch:touch /src/0000/00" "walk:walk /src"
done
spec compile 512M "fill:fill /src 10000" "lookups:compile /src 2000 64 /obj" \
  "cpu:compile /src 300 1024 /obj2"

report=()
for a in $ARCHES; do
  for f in "$(kernel_of "$a")" "$BUILD/guest/$a/init/init" "$BUILD/guest/$a/tests/guest/baseline-init" \
    "$BUILD/guest/$a/tests/guest/tree-work"; do
    [ -f "$f" ] || die "$f missing: make kernel-$a init-$a"
  done
  for n in 1000 10000 100000; do boot "$a" "$OUT/size-$n.toml" "$BUILD/guest/$a/init/init" "$OUT/$a-size-$n"; done
  from_tree "$a"
  boot "$a" "$OUT/from-$a/from.toml" "$BUILD/guest/$a/init/init" "$OUT/$a-from" --sources "$OUT/from-$a/sx"
  for r in $(seq 1 "$REPS"); do
    boot "$a" "$OUT/compile.toml" "$BUILD/guest/$a/init/init" "$OUT/$a-compile-layered-$r"
    boot "$a" "$OUT/compile.toml" "$BUILD/guest/$a/tests/guest/baseline-init" "$OUT/$a-compile-plain-$r"
  done
  report+=("$a")
done
{
  echo "Layered build roots, guest clock, TCG ($(nproc) host cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(git -C "$SRC" describe --always --dirty 2>/dev/null || echo 'no git'))"
  python3 "$SRC/tests/bench/layers_report.py" "$OUT" "${report[@]}"
} >"$BUILD/bench/layers.md"
cat "$BUILD/bench/layers.md"
say "wrote $BUILD/bench/layers.md"
