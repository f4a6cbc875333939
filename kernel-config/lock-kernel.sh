#!/usr/bin/env bash
# lock-kernel.sh [TARBALL]: print kernel-config/source.lock for the kernel source this
# machine has (Debian's linux-source-6.1 by default). `make lock-kernel` writes it.
set -euo pipefail
src=${1:-${KERNEL_SOURCE:-/usr/src/linux-source-6.1.tar.xz}}
[ -f "$src" ] || { echo "lock-kernel: $src not found (install linux-source-6.1)" >&2; exit 1; }
version=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
  { echo "lock-kernel: linux-source-6.1 is not installed: cannot name the revision of $src" >&2; exit 1; }
# Where Debian published that revision: its pool path and the .deb's sha256, so that it can be
# found again on snapshot.debian.org once the archive has moved on.
deb=$(apt-cache show "linux-source-6.1=$version" 2>/dev/null |
  awk '/^Filename:/ {f=$2} /^SHA256:/ {s=$2} END {if (f != "") print f, s}')
cat <<LOCK
# The Linux source every kernel is built from (kernel-config/build-kernel.sh reads it).
#   upstream: the kernel release two builders must agree on
#   package:  the Debian revision whose tarball is locked (Debian patches included)
#   sha256, size, path: that tarball as the package installs it
# Debian's archive keeps only the newest revision: docs/kernel.md says how to get
# exactly this one from snapshot.debian.org, and \`make lock-kernel\` locks the one you have.
upstream ${version%-*}
package linux-source-6.1 $version
sha256 $(sha256sum "$src" | cut -d' ' -f1)
size $(stat -c %s "$src")
path $src
deb ${deb:-(not in the package indexes)}
LOCK
