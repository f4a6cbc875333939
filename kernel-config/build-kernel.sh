#!/usr/bin/env bash
# build-kernel.sh ARCH OUT: build the kernel for ARCH into OUT/{bzImage|Image}.
# The result is cached under $SEEDBOOT_CACHE keyed by the hash of the locked
# source, the config fragments, the compiler and this script, so a rebuild
# happens only when one of them changes.
set -euo pipefail
arch=${1:?usage: build-kernel.sh ARCH OUT}
out=${2:?usage: build-kernel.sh ARCH OUT}
here=$(cd "$(dirname "$0")" && pwd)
lock=${KERNEL_LOCK:-$here/source.lock}
cache=${SEEDBOOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/seedboot}
jobs=${JOBS:-$(nproc)}

die() { echo "build-kernel: $*" >&2; exit 1; }

case $arch in
  x86_64) karch=x86_64; image=arch/x86/boot/bzImage; cross= ;;
  i386) karch=i386; image=arch/x86/boot/bzImage; cross= ;;
  aarch64) karch=arm64; image=arch/arm64/boot/Image; cross=aarch64-linux-gnu- ;;
  *) die "unknown arch '$arch' (expected i386, x86_64 or aarch64)" ;;
esac
[ -f "$here/$arch.config" ] || die "missing config fragment $here/$arch.config"
[ -f "$lock" ] || die "missing source lock $lock"

# The lock (kernel-config/source.lock): "upstream V", "package NAME VERSION", "sha256 H",
# "size N", "path P". A smoke build (make qemu-ARCH, make test) builds from whatever source
# the machine has and says so on one line when it differs; KERNEL_LOCK_STRICT=1 (make images,
# make release: the reproducible paths) refuses it instead.
field() { awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "$lock"; }
want_sha=$(field sha256); want_size=$(field size); want_pkg=$(field package); src=$(field path)
[ -n "$want_sha" ] && [ -n "$want_size" ] && [ -n "$src" ] ||
  die "$lock: expected lines 'sha256 HEX', 'size BYTES' and 'path FILE' (make lock-kernel writes them)"
src=${KERNEL_SOURCE:-$src}
[ -f "$src" ] || die "kernel source $src not found (install linux-source-6.1, or set KERNEL_SOURCE; docs/kernel.md)"
size=$(stat -c %s "$src")

# Hashing 130 MB costs ~0.5 s; remember it per (path, size, mtime) to keep no-op builds instant.
stamp="$cache/kernel/source-$(echo "$src $size $(stat -c %Y "$src")" | sha256sum | cut -c1-16)"
if [ -f "$stamp" ]; then sha=$(cat "$stamp"); else sha=$(sha256sum "$src" | cut -d' ' -f1); fi
mkdir -p "$cache/kernel" && echo "$sha" > "$stamp"
have_pkg="(version unknown: KERNEL_SOURCE)"
[ -n "${KERNEL_SOURCE:-}" ] ||
  have_pkg="linux-source-6.1 $(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || echo '(not from a package)')"
if [ "$sha" != "$want_sha" ] || [ "$size" != "$want_size" ]; then
  differs="kernel source differs from the lock: have $have_pkg ($src, sha256 $sha, $size bytes), lock $lock wants $want_pkg (sha256 $want_sha, $want_size bytes)"
  [ -z "${KERNEL_LOCK_STRICT:-}" ] || die "$differs. A reproducible build (make images, make release) needs the locked source: get it (docs/kernel.md), or run 'make lock-kernel' to lock the one you have"
  echo "build-kernel: warning: $differs; building from it (fine for a smoke boot; the kernel's hash differs from a locked build)" >&2
fi

# Fragments in merge order: every arch, ordinary machines (disks, screen), then the arch's own.
fragments=("$here/common.config" "$here/hardware.config" "$here/$arch.config")
# seedboot's own small changes to the locked source, applied in name order (patches/README).
patches=("$here"/patches/*.patch)
[ -e "${patches[0]}" ] || patches=()
key=$( { echo "$sha"; cat "${fragments[@]}" "${patches[@]}" "$0"; "${cross}gcc" --version | head -n1; } |
  sha256sum | cut -c1-32)
cached="$cache/kernel/$arch-$key"
# Two checkouts may build the same kernel at once: one builds, the other waits for it.
exec 9>"$cached.lock"
flock 9
if [ ! -f "$cached/$(basename "$image")" ]; then
  # A fixed path: a build must not depend on a random folder name.
  work="$cache/kernel/work-$arch-$key"
  rm -rf "$work" && mkdir -p "$work"
  trap 'rm -rf "$work"' EXIT
  echo "build-kernel: $arch: unpacking $src"
  tar -xJf "$src" -C "$work" --strip-components=1
  for p in "${patches[@]}"; do
    echo "build-kernel: $arch: applying $(basename "$p")"
    patch -s -p1 --forward --batch --no-backup-if-mismatch -d "$work" <"$p" ||
      die "$p does not apply to $src (written for the locked source; docs/kernel.md)"
  done
  obj="$work/obj"
  mk() { make -s -C "$work" O="$obj" ARCH="$karch" CROSS_COMPILE="$cross" \
    KBUILD_BUILD_TIMESTAMP=@0 KBUILD_BUILD_USER=seedboot KBUILD_BUILD_HOST=seedboot "$@"; }
  echo "build-kernel: $arch: configuring (tinyconfig + common.config + hardware.config + $arch.config)"
  mk tinyconfig >/dev/null
  KCONFIG_CONFIG="$obj/.config" "$work/scripts/kconfig/merge_config.sh" -m -O "$obj" \
    "$obj/.config" "${fragments[@]}" >/dev/null
  mk olddefconfig >/dev/null
  # merge_config drops symbols whose dependencies are unmet without failing: check each one.
  missing=$(grep -h '^CONFIG_' "${fragments[@]}" | while read -r line; do
    grep -qxF "$line" "$obj/.config" || echo "  $line"; done
    { grep -h '^# CONFIG_.* is not set$' "${fragments[@]}" || true; } |
    while read -r line; do
    opt=${line#\# }; opt=${opt%% *}
    ! grep -q "^$opt=" "$obj/.config" || echo "  $line (something selects it)"; done)
  [ -z "$missing" ] || die "$arch: these options did not survive olddefconfig:
$missing"
  echo "build-kernel: $arch: compiling with $jobs jobs (about 6 minutes here)"
  mk -j"$jobs" "$(basename "$image")"
  mkdir -p "$cached.tmp"
  cp "$obj/$image" "$obj/.config" "$cached.tmp/"
  rm -rf "$cached" && mv "$cached.tmp" "$cached"
fi
flock -u 9
mkdir -p "$out"
cp "$cached/$(basename "$image")" "$cached/.config" "$out/"
# What this kernel was really built from, for INPUTS (seedboot release).
echo "$sha $size $src $have_pkg" > "$out/source"
echo "build-kernel: $arch: $out/$(basename "$image") ($(stat -c %s "$out/$(basename "$image")") bytes, cache $key)"
