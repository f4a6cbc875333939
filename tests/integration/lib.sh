# Shared by the integration tests: where things are, and how to boot a spec.
# Environment (set by CTest): SEEDBOOT, BUILD, SRC.
set -euo pipefail
: "${SEEDBOOT:?}" "${BUILD:?}" "${SRC:?}"

kernel_of() { case $1 in aarch64) echo "$BUILD/kernel/$1/Image" ;; *) echo "$BUILD/kernel/$1/bzImage" ;; esac; }
init_of() { echo "$BUILD/guest/$1/init/init"; }

# boot ARCH SPEC OUTDIR [extra seedboot boot args...]: prints the console only on failure.
boot() {
  local arch=$1 spec=$2 out=$3
  shift 3
  local rc=0
  "$SEEDBOOT" boot "$spec" --arch "$arch" --kernel "$(kernel_of "$arch")" --init "$(init_of "$arch")" \
    --build-dir "$BUILD" --out-dir "$out" -q "$@" || rc=$?
  return $rc
}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
