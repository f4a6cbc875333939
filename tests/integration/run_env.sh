#!/usr/bin/env bash
# run_env.sh ARCH: boots tests/images/run-env.toml and checks that its step found what a
# Docker RUN gives (every check of tests/guest/run_probe.cpp passed) and that none of
# it stayed in the step's layer: the step wrote and removed one file in /tmp, so its
# layer holds /tmp and nothing of /dev, /proc, /sys or /etc.
. "$(dirname "$0")/lib.sh"
arch=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0
boot "$arch" "$SRC/tests/images/run-env.toml" "$tmp/run" >/dev/null 2>"$tmp/err" || rc=$?
[ -f "$tmp/run/console.log" ] || fail "$arch: no boot: $(cat "$tmp/err")"
tr -d '\r' <"$tmp/run/console.log" >"$tmp/console"
if [ $rc -ne 0 ] || grep -q '^> FAIL ' "$tmp/console"; then
  grep -E '^> FAIL |error' "$tmp/console" >&2 || tail -30 "$tmp/console" >&2
  fail "$arch: the run-env image exited $rc"
fi
summary=$(grep -E '^> run-probe: [0-9]+ checks, [0-9]+ passed, 0 failed$' "$tmp/console") ||
  fail "$arch: no clean run-probe summary"
checks=$(awk '{ print $3 }' <<<"$summary")
[ "$checks" -ge 40 ] || fail "$arch: only $checks checks ran"
# The layer of a step that wrote nothing but /tmp's file (removed): /tmp and the root.
layer=$(grep -oE '^seedboot: layer 0001: [0-9]+ entries' "$tmp/console") || fail "$arch: no layer line"
[ "${layer##*: }" = "1 entries" ] || [ "${layer##*: }" = "2 entries" ] ||
  fail "$arch: the step's layer has ${layer##*: } (expected only /tmp: no /dev, /proc, /sys or /etc)"
grep -oE 'PID 1 up at .*' "$tmp/console" | sed 's/^/  /'
grep -E '^> ok one process touches|^> ok CPUs' "$tmp/console" | sed 's/^> /  /'
echo "run-env $arch: $checks checks passed; ${layer#seedboot: }"
