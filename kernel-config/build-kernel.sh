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

read -r want_sha want_size src < <(grep -v '^[[:space:]]*\(#\|$\)' "$lock" | head -n1) ||
  die "$lock: no 'sha256 size location' line"
src=${KERNEL_SOURCE:-$src}
[ -f "$src" ] || die "kernel source $src not found (install linux-source-6.1, or set KERNEL_SOURCE)"
size=$(stat -c %s "$src")
[ "$size" = "$want_size" ] || die "kernel source $src: size $size, lock $lock expects $want_size"

# Hashing 130 MB costs ~0.5 s; remember it per (path, size, mtime) to keep no-op builds instant.
stamp="$cache/kernel/source-$(echo "$src $size $(stat -c %Y "$src")" | sha256sum | cut -c1-16)"
if [ -f "$stamp" ]; then sha=$(cat "$stamp"); else sha=$(sha256sum "$src" | cut -d' ' -f1); fi
[ "$sha" = "$want_sha" ] || die "kernel source $src: sha256 $sha, lock $lock expects $want_sha"
mkdir -p "$cache/kernel" && echo "$sha" > "$stamp"

key=$( { echo "$sha"; cat "$here/common.config" "$here/$arch.config" "$0"; "${cross}gcc" --version | head -n1; } |
  sha256sum | cut -c1-32)
cached="$cache/kernel/$arch-$key"
if [ ! -f "$cached/$(basename "$image")" ]; then
  work="$cache/kernel/work-$arch"
  rm -rf "$work" && mkdir -p "$work"
  echo "build-kernel: $arch: unpacking $src"
  tar -xJf "$src" -C "$work" --strip-components=1
  obj="$work/obj"
  mk() { make -s -C "$work" O="$obj" ARCH="$karch" CROSS_COMPILE="$cross" \
    KBUILD_BUILD_TIMESTAMP=@0 KBUILD_BUILD_USER=seedboot KBUILD_BUILD_HOST=seedboot "$@"; }
  echo "build-kernel: $arch: configuring (tinyconfig + common.config + $arch.config)"
  mk tinyconfig >/dev/null
  KCONFIG_CONFIG="$obj/.config" "$work/scripts/kconfig/merge_config.sh" -m -O "$obj" \
    "$obj/.config" "$here/common.config" "$here/$arch.config" >/dev/null
  mk olddefconfig >/dev/null
  # merge_config drops symbols whose dependencies are unmet without failing: check each one.
  missing=$(grep -h '^CONFIG_' "$here/common.config" "$here/$arch.config" | while read -r line; do
    grep -qxF "$line" "$obj/.config" || echo "  $line"; done
    { grep -h '^# CONFIG_.* is not set$' "$here/common.config" "$here/$arch.config" || true; } |
    while read -r line; do
    opt=${line#\# }; opt=${opt%% *}
    ! grep -q "^$opt=" "$obj/.config" || echo "  $line (something selects it)"; done)
  [ -z "$missing" ] || die "$arch: these options did not survive olddefconfig:
$missing"
  echo "build-kernel: $arch: compiling with $jobs jobs (about 6 minutes here)"
  mk -j"$jobs" "$(basename "$image")"
  mkdir -p "$cached.tmp"
  cp "$obj/$image" "$obj/.config" "$cached.tmp/"
  rm -rf "$cached" && mv "$cached.tmp" "$cached" && rm -rf "$work"
fi
mkdir -p "$out"
cp "$cached/$(basename "$image")" "$cached/.config" "$out/"
echo "build-kernel: $arch: $out/$(basename "$image") ($(stat -c %s "$out/$(basename "$image")") bytes, cache $key)"
