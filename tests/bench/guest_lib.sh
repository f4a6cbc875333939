# Sourced by the benchmarks that boot guests (stage0.sh, cpus.sh) after they set NAME:
# strict mode, the checkout and build folders, the arches to run, messages, and where each
# arch's kernel and seedboot binary are.
set -euo pipefail
export LC_ALL=C
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$SRC"
BUILD=$(cd "${BUILD:-build}" && pwd)
ARCHES=${BENCH_ARCHES:-x86_64 i386 aarch64}
say() { printf '%s: %s\n' "$NAME" "$*" >&2; }
die() {
  say "$*"
  exit 1
}
SB=$BUILD/host/bin/seedboot
[ -x "$SB" ] || die "$SB missing: make host"
kernel_of() { case $1 in aarch64) echo "$BUILD/kernel/$1/Image" ;; *) echo "$BUILD/kernel/$1/bzImage" ;; esac; }
