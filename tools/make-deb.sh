#!/usr/bin/env bash
# make-deb.sh STAGE VERSION OUT: the Debian package of what `make install PREFIX=/usr
# DESTDIR=STAGE` put in STAGE, written as OUT. Depends comes from dpkg-shlibdeps on the CLI
# (the PID 1s are static: the preflight held them to it) plus the QEMU that boots x86 guests (aarch64's is recommended). The same
# STAGE gives the same bytes: every mtime is SOURCE_DATE_EPOCH, modes are normalized, owners are root, and
# dpkg-deb takes its ar member times from SOURCE_DATE_EPOCH.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: make-deb.sh STAGE VERSION OUT" >&2; exit 2; }
# Absolute: dpkg-shlibdeps runs from a scratch folder (make deb passes relative paths).
stage=$(realpath -m "$1") version=$2 out=$(realpath -m "$3")
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1}
[ -x "$stage/usr/bin/seedboot" ] || { echo "make-deb: $stage/usr/bin/seedboot: missing (expected make install PREFIX=/usr DESTDIR=$stage)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# dpkg-shlibdeps reads debian/control for the package's name; a minimal one serves.
mkdir -p "$work/debian"
printf 'Source: seedboot\n\nPackage: seedboot\nArchitecture: any\n' >"$work/debian/control"
deps=$(cd "$work" && dpkg-shlibdeps -O "$stage/usr/bin/seedboot" 2>"$work/shlibdeps.log") ||
  { echo "make-deb: dpkg-shlibdeps failed on $stage/usr/bin/seedboot: $(cat "$work/shlibdeps.log")" >&2; exit 1; }
shlibs=$(sed -n 's/^shlibs:Depends=//p' <<<"$deps")
[ -n "$shlibs" ] || { echo "make-deb: dpkg-shlibdeps found no libraries for $stage/usr/bin/seedboot" >&2; exit 1; }

mkdir -p "$stage/DEBIAN"
cat >"$stage/DEBIAN/control" <<CONTROL
Package: seedboot
Version: $version
Architecture: $(dpkg --print-architecture)
Maintainer: seedboot developers <seedboot@localhost>
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Depends: $shlibs, qemu-system-x86
Recommends: qemu-system-arm, ovmf, ovmf-ia32, qemu-efi-aarch64, minisign
Section: devel
Priority: optional
Description: bootable, reproducible bootstrap images from a hex0 seed
 seedboot packs a static PID 1, a hex0 seed and sources into a read-only squashfs,
 boots it under QEMU (i386, x86_64, aarch64) or on a real machine, runs the bootstrap
 chain from the seed up without containers, and signs byte-reproducible images.
 This package holds the CLI, the PID 1 and kernel of each arch, the kernel configs
 and the example specs.
CONTROL
# Modes as a checkout's umask would not leave them: 0755 for folders and programs, else 0644.
chmod -R u=rwX,go=rX "$stage"
find "$stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
mkdir -p "$(dirname "$out")"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$out" >/dev/null
echo "make-deb: $out ($(stat -c %s "$out") bytes, Depends: $shlibs, qemu-system-x86)"
