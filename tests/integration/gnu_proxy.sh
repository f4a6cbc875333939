#!/usr/bin/env bash
# gnu_proxy.sh ARCH STEP: the start of make gnu-proxy, as CI can afford it: fetch the root and
# the tarballs with apt (tools/gnu-proxy.sh, into $BUILD/gnu-proxy, a cache), boot
# images/gnu-proxy.toml until STEP (GNU hello: configure, make, make check, make install with
# its stock scripts, in the full step sandbox), and check that it built, its checks passed,
# and the run ended ok with the root's tree digest. With CUT=1 (not in make test: two more
# boots), the power is then cut in the middle of STEP's make, at its first compile, and the
# resumed run must end with the same digest.
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

[ "${CUT:-}" = 1 ] || exit 0
# The same again, cut off at the first compile of STEP's make, then resumed on the same disks.
cut_at="-DHAVE_CONFIG_H"
rc=0
boot "$arch" "$SRC/images/gnu-proxy.toml" "$tmp/cut" --until "$step" --power-cut-after "$cut_at" \
  >/dev/null 2>"$tmp/err" || rc=$?
[ $rc -eq 5 ] || fail "$arch: the cut at '$cut_at' did not happen (exit $rc): $(tail -3 "$tmp/err")"
tr -d '\r' <"$tmp/cut/console.log" | grep -q "^> gnu-proxy $step: configure" ||
  fail "$arch: the power went before $step's make"
rc=0
boot "$arch" "$SRC/images/gnu-proxy.toml" "$tmp/cut" --until "$step" --resume >/dev/null 2>"$tmp/err" || rc=$?
tr -d '\r' <"$tmp/cut/console.log" >"$tmp/console2"
[ $rc -eq 0 ] || { tail -30 "$tmp/console2" >&2; fail "$arch: the resumed run exited $rc"; }
grep -q "$step was cut off or failed, so it starts again from the tree it started on" "$tmp/console2" ||
  fail "$arch: the resumed run did not start $step again from its starting tree"
again=$(grep -oE 'tree digest [0-9a-f]{64} \([0-9]+ entries' "$tmp/console2") || fail "$arch: no tree digest after the resume"
[ "$again" = "$digest" ] || fail "$arch: cut in $step's make and resumed: $again), expected $digest)"
echo "gnu-proxy $arch: power cut at $step's first compile, resumed: the same $digest)"
