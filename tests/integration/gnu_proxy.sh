#!/usr/bin/env bash
# gnu_proxy.sh ARCH STEP: the start of make gnu-proxy, as CI can afford it: fetch the root and
# the tarballs with apt (tools/gnu-proxy.sh, into $BUILD/gnu-proxy, a cache), boot
# images/gnu-proxy.toml until STEP (GNU hello: configure, make, make check, make install with
# its stock scripts, in the full step sandbox), and check that it built, its checks passed,
# and the run ended ok with the root's tree digest.
. "$(dirname "$0")/lib.sh"
arch=$1 step=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
SEEDBOOT=$SEEDBOOT "$SRC/tools/gnu-proxy.sh" "$arch" "$BUILD/gnu-proxy/$arch" 2>"$tmp/fetch" ||
  fail "$arch: fetching the root and sources failed: $(tail -5 "$tmp/fetch")"
rc=0
boot "$arch" "$SRC/images/gnu-proxy.toml" "$tmp/run" --until "$step" >/dev/null 2>"$tmp/err" || rc=$?
[ -f "$tmp/run/console.log" ] || fail "$arch: no boot: $(cat "$tmp/err")"
tr -d '\r' <"$tmp/run/console.log" >"$tmp/console"
[ $rc -eq 0 ] || { tail -40 "$tmp/console" >&2; fail "$arch: gnu-proxy until $step exited $rc: $(cat "$tmp/err")"; }
for phase in configure make install; do
  grep -qE "^> gnu-proxy $step: $phase [0-9]+\.[0-9] s$" "$tmp/console" || fail "$arch: $step: no '$phase' phase"
done
if [ "$step" = hello ]; then
  grep -qE '^> gnu-proxy hello: check [0-9]+\.[0-9] s$' "$tmp/console" || fail "$arch: hello's make check did not pass"
  grep -qE '^> PASS: tests/hello-1$' "$tmp/console" || fail "$arch: hello's test suite did not run"
fi
grep -qx 'SEEDBOOT-RESULT: ok' "$tmp/console" || fail "$arch: no ok result line"
digest=$(grep -oE 'tree digest [0-9a-f]{64} \([0-9]+ entries' "$tmp/console") || fail "$arch: no tree digest"
grep -E "^> gnu-proxy $step: |\] $step end " "$tmp/console" | sed 's/^/  /'
echo "gnu-proxy $arch until $step: ok, $digest)"
