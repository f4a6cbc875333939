#!/usr/bin/env bash
# compare-stagex.sh SOURCES STAGE BUILD: `make compare-stagex`. StageX's stage STAGE built
# twice on this machine, from the same user-supplied files (SOURCES/stagex, the StageX tree,
# and SOURCES/stagex-fetch/stageN, its fetched sources):
#   1. the StageX way: its Containerfile under buildah + runc, for linux/386 through
#      qemu-i386-static registered in binfmt_misc for the run and unregistered after, with
#      the build arguments and ulimit StageX's src/targets.py passes;
#   2. seedboot's way: images/stagex-stageN.toml booted under QEMU, the stage's package root
#      extracted from the work disk.
# Then the two package trees' digests, their squashfs bytes (`seedboot pack-dir`) and the
# wall time, user+sys time and peak memory of both. Exit 0 when the trees are equal, 1 when
# they differ or an input is wrong, 2 when buildah cannot run here (the reason is printed).
# Deviations from StageX's own `docker buildx build` are printed as "deviation:" lines.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: compare-stagex.sh SOURCES STAGE BUILD" >&2; exit 1; }
sources=$1 stage=$2 build=$3
: "${SEEDBOOT:?SEEDBOOT must name the seedboot command}"
: "${INIT:?INIT must name the i386 PID 1}" "${KERNEL:?KERNEL must name the i386 kernel}"
say() { echo "compare-stagex: $*"; }
die() { echo "compare-stagex: error: $*" >&2; exit 1; }
cannot() { echo "compare-stagex: buildah cannot run here: $*" >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)

[ "$stage" = 0 ] || die "STAGE=$stage: only stage 0 can be compared (expected STAGE=0; stages" \
  "1-3 start FROM the stage before, which buildah would need loaded as stagex/bootstrap-stageN)"
pkg=$sources/stagex/packages/bootstrap/stage$stage
fetch=$sources/stagex-fetch/stage$stage
for f in "$pkg/Containerfile" "$pkg/package.toml"; do
  [ -f "$f" ] || die "$f: not found (expected the StageX tree in SOURCES/stagex, as" \
    "\`seedboot get rootfs/locks/stagex.lock --into SOURCES\` makes it)"
done
[ -d "$fetch" ] || die "$fetch: not found (expected StageX's fetched sources, as" \
  "\`make sources SOURCES=$sources\` fills it)"
sources=$(realpath "$sources") build=$(realpath -m "$build")
work=$build/compare-stagex/stage$stage
rm -rf "$work" && mkdir -p "$work"

# The fetched files, checked the way seedboot checks them (sha256 and size; each missing or
# wrong one named with its step and mirrors) before either build starts.
"$SEEDBOOT" pack "$here/images/stagex-stage$stage.toml" --arch i386 --init "$INIT" \
  --build-dir "$build" --sources "$sources" -o "$work/check.sqfs" >/dev/null ||
  die "the files in $sources are not the locked StageX tree and the files its package.toml locks (above)"

# --- The container side's tools, through install-deps.sh (its retries and its refusals);
# refused with exit 2 when they cannot be had or cannot run.
SEEDBOOT_EXTRA_PACKAGES="buildah runc qemu-user-static" "$here/tools/install-deps.sh" ||
  cannot "install-deps.sh could not install buildah, runc and qemu-user-static (above)"
[ "$(id -u)" = 0 ] || cannot "buildah's runc needs root here (rootless needs subuid ranges)"
binfmt=/proc/sys/fs/binfmt_misc
[ -e $binfmt/register ] || mount -t binfmt_misc binfmt_misc $binfmt 2>"$work/mount.log" ||
  cannot "binfmt_misc cannot be mounted: $(cat "$work/mount.log")"
# Our own i386 entry, for this run only (flag F: the interpreter is opened now, so it works
# inside the container's root). An entry already there for i386 is used as it is, and kept.
entry=seedboot-compare-i386
registered=
if ! grep -lqs 'interpreter .*qemu-i386' $binfmt/*; then
  magic='\x7fELF\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x03\x00'
  mask='\xff\xff\xff\xff\xff\xfe\xfe\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
  echo ":$entry:M::$magic:$mask:/usr/bin/qemu-i386-static:F" >$binfmt/register 2>"$work/binfmt.log" ||
    cannot "registering qemu-i386 in binfmt_misc failed: $(cat "$work/binfmt.log")"
  registered=1
fi
unregister() { [ -z "$registered" ] || echo -1 >$binfmt/$entry 2>/dev/null || true; }
trap unregister EXIT

# --- The build context: StageX's folder, its fetched files, and the here-documents as files.
ctx=$work/context
mkdir -p "$ctx/fetch"
cp -r "$pkg/." "$ctx/"
cp "$fetch"/* "$ctx/fetch/"
python3 "$here/tools/containerfile-heredocs.py" "$ctx/Containerfile" "$ctx" >"$work/heredocs.txt" ||
  die "StageX's $pkg/Containerfile has a here-document buildah cannot be given (above)"
sed "s|^$ctx/|stagex/packages/bootstrap/stage$stage/|; s|^|compare-stagex: deviation: |" "$work/heredocs.txt"
# StageX's src/targets.py: NAME_SOURCE and NAME_VERSION for each [sources.NAME], NAME upper-cased.
mapfile -t args < <(python3 - "$pkg/package.toml" <<'EOF'
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    doc = tomllib.load(f)
for name, src in doc.get("sources", {}).items():
    key = name.upper()
    print(f"--build-arg={key}_SOURCE={src['file'].replace('{version}', src['version'])}")
    print(f"--build-arg={key}_VERSION={src['version']}")
EOF
)
say "deviation: buildah $(buildah --version | cut -d' ' -f3) + runc with the vfs storage driver, not BuildKit; qemu-i386-static (user mode) runs the i386 code"
say "deviation: the output is read from the image's root (buildah mount), not exported by buildx"

# --- 1. The container build.
bah=(buildah --root "$work/storage" --runroot "$work/runroot" --storage-driver vfs)
say "container: buildah build of $pkg (linux/386)"
/usr/bin/time -f '%e %U %S %M' -o "$work/container.time" \
  "${bah[@]}" build --runtime /usr/sbin/runc --platform linux/386 --ulimit nofile=2048:16384 \
  --build-arg SOURCE_DATE_EPOCH=1 "${args[@]}" -t seedboot-compare-stage$stage \
  -f "$ctx/Containerfile" "$ctx" >"$work/container.log" 2>&1 || {
  tail -20 "$work/container.log" >&2
  grep -q 'cgroup\|runtime\|exec format error\|permission denied' "$work/container.log" &&
    cannot "buildah build failed as above ($work/container.log)"
  die "the container build failed (above; the whole log: $work/container.log)"
}
ctr=$("${bah[@]}" from --arch 386 seedboot-compare-stage$stage 2>>"$work/container.log")
mnt=$("${bah[@]}" mount "$ctr")
mkdir -p "$work/container-out" && cp -a "$mnt/." "$work/container-out/"
"${bah[@]}" umount "$ctr" >/dev/null && "${bah[@]}" rm "$ctr" >/dev/null

# --- 2. seedboot's build, in the i386 guest under QEMU (TCG unless ACCEL says otherwise).
say "seedboot: images/stagex-stage$stage.toml in the i386 guest"
/usr/bin/time -f '%e %U %S %M' -o "$work/seedboot.time" \
  "$SEEDBOOT" boot "$here/images/stagex-stage$stage.toml" --arch i386 --kernel "$KERNEL" \
  --init "$INIT" --build-dir "$build" --sources "$sources" --out-dir "$work/run" -q \
  >"$work/seedboot.log" 2>&1 || { tail -20 "$work/seedboot.log" >&2; die "the seedboot build failed (above)"; }
"$SEEDBOOT" extract "$work/run/work.img" --root s-package -o "$work/seedboot-out" >/dev/null

# --- The comparison.
digest() { "$SEEDBOOT" lock "$1" --name "$2" | awk '/^sha256 /{d=$2} /^size /{n=$2} END {print d, n}'; }
read -r c_digest c_entries < <(digest "$work/container-out" container)
read -r s_digest s_entries < <(digest "$work/seedboot-out" seedboot)
say "container tree: $c_digest ($c_entries entries)"
say "seedboot tree:  $s_digest ($s_entries entries)"
"$SEEDBOOT" pack-dir "$work/container-out" -o "$work/container.sqfs" >/dev/null
"$SEEDBOOT" pack-dir "$work/seedboot-out" -o "$work/seedboot.sqfs" >/dev/null
c_sqfs=$(sha256sum <"$work/container.sqfs" | cut -d' ' -f1)
s_sqfs=$(sha256sum <"$work/seedboot.sqfs" | cut -d' ' -f1)
if [ "$c_sqfs" = "$s_sqfs" ]; then say "squashfs: the same bytes ($s_sqfs)"; else
  say "squashfs: DIFFER (container $c_sqfs, seedboot $s_sqfs)"; fi
read -r c_wall c_user c_sys c_rss <"$work/container.time"
read -r s_wall s_user s_sys s_rss <"$work/seedboot.time"
printf 'compare-stagex: %-10s wall %8.1f s  user+sys %8.1f s  peak %6d MiB\n' \
  container "$c_wall" "$(awk "BEGIN {print $c_user + $c_sys}")" $((c_rss / 1024)) \
  seedboot "$s_wall" "$(awk "BEGIN {print $s_user + $s_sys}")" $((s_rss / 1024))
say "load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs; seedboot's guest ran under TCG"
ratio=$(awk "BEGIN {printf \"%.2f\", $s_wall / $c_wall}")
verdict=equal rc=0
[ "$c_digest" = "$s_digest" ] || { verdict=DIFFER rc=1; }
echo "compare-stagex: stage $stage trees $verdict ($s_digest, $s_entries entries); seedboot $s_wall s, container $c_wall s, ratio $ratio"
exit $rc
