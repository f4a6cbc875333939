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

# expect_error WANT CMD...: CMD must exit non-zero without crashing and print WANT (a fixed
# string) on stderr. Uses the caller's $tmp folder.
expect_error() {
  local want=$1 rc=0
  shift
  "$@" >"${tmp:?}/stdout" 2>"$tmp/stderr" || rc=$?
  [ $rc -ne 0 ] || fail "'$*' succeeded, expected an error"
  [ $rc -lt 128 ] || fail "'$*' crashed (status $rc)"
  grep -qF -- "$want" "$tmp/stderr" || fail "'$*' printed '$(cat "$tmp/stderr")', expected '$want'"
}
