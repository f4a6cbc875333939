#!/usr/bin/env bash
# make-sysroot.sh ARCH DIR: unpack the static libraries the PID 1 and the guest
# programs link against, for a foreign Debian arch, into DIR (no dpkg changes:
# foreign-arch -dev packages do not co-install here, see shared notes).
set -euo pipefail
arch=${1:?usage: make-sysroot.sh ARCH DIR}
dir=${2:?usage: make-sysroot.sh ARCH DIR}
case $arch in
  i386) deb=i386 ;;
  aarch64) deb=arm64 ;;
  *) echo "make-sysroot: no sysroot needed or known for '$arch'" >&2; exit 1 ;;
esac
pkgs="libblkid-dev libseccomp-dev libsodium-dev zlib1g-dev"
[ -f "$dir/.complete" ] && [ "$(cat "$dir/.complete")" = "$pkgs" ] && exit 0
rm -rf "$dir.tmp" && mkdir -p "$dir.tmp/debs"
( cd "$dir.tmp/debs" && for p in $pkgs; do apt-get download -q -o APT::Sandbox::User=root "$p:$deb" >/dev/null ||
    { echo "make-sysroot: apt-get download $p:$deb failed (run apt-get update?)" >&2; exit 1; }; done )
for d in "$dir.tmp"/debs/*.deb; do dpkg-deb -x "$d" "$dir.tmp"; done
rm -rf "$dir.tmp/debs"
echo "$pkgs" > "$dir.tmp/.complete"
rm -rf "$dir" && mv "$dir.tmp" "$dir"
echo "make-sysroot: $arch sysroot ready in $dir"
