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
# The PID 1 tells what the step used: its largest process is the probe's, which touched
# {touch} MiB (tests/images/run-env.toml), so the peak is at least that.
touched=$(sed -n "/^\[vars.$arch\]/,/^touch/s/^touch = \"\([0-9]*\)\"/\1/p" "$SRC/tests/images/run-env.toml")
[ -n "$touched" ] || fail "$arch: no touch = in tests/images/run-env.toml's [vars.$arch]"
used=$(grep -E '^seedboot: \[1/1\] probe used [0-9.]+ s user \+ [0-9.]+ s sys CPU; its largest process peaked at [0-9]+ MiB$' "$tmp/console") ||
  fail "$arch: no line of what the step used"
peak=${used##*peaked at }
peak=${peak% MiB}
[ "$peak" -ge "$touched" ] || fail "$arch: the step's largest process peaked at $peak MiB, but it touched $touched MiB"
echo "  ${used#seedboot: }"
grep -oE 'PID 1 up at .*' "$tmp/console" | sed 's/^/  /'
grep -E '^> ok one process touches|^> ok CPUs' "$tmp/console" | sed 's/^> /  /'
echo "run-env $arch: $checks checks passed; ${layer#seedboot: }"

# A tree whose /dev is a file (a copy put one there) cannot take the step's /dev: the step
# fails before its program runs, naming the mount point, and the run fails.
[ "$arch" = x86_64 ] || exit 0
echo 'not a folder' >"$tmp/dev-file"
sed -e '/^\[build\]/i [[source]]\nname = "dev-file"\npath = "'"$tmp"'/dev-file"\nmode = "copy"\ninto = "/dev"\n' \
  -e 's|^path = "{build}|path = "'"$BUILD"'|' -e '/^work_size/s/.*/work_size = "32M"/' \
  "$SRC/tests/images/run-env.toml" >"$tmp/bad-dev.toml"
grep -q '^into = "/dev"' "$tmp/bad-dev.toml" || fail "could not make the bad-dev spec"
rc=0
boot x86_64 "$tmp/bad-dev.toml" "$tmp/bad" >/dev/null 2>&1 || rc=$?
tr -d '\r' <"$tmp/bad/console.log" >"$tmp/bad-console"
[ $rc -eq 1 ] || fail "a tree with a file at /dev: expected exit 1 (the step fails), got $rc"
grep -qx '> seedboot: error: step probe: mount point /dev: Not a directory' "$tmp/bad-console" ||
  { tail -5 "$tmp/bad-console" >&2; fail "a file at /dev was not refused by name"; }
echo "run-env x86_64: a file at /dev fails the step: 'mount point /dev: Not a directory'"
