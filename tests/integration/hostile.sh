#!/usr/bin/env bash
# hostile.sh ARCH: boots tests/images/hostile.toml, whose steps attack the sandbox
# (tests/guest/hostile_step.cpp; on x86_64 also through the compat ABI). Passes only
# if every attack held and the host's verdict is the honest one: the chain is due to
# fail at its victim step, so any forge that worked would show as exit 0.
#   1. the attack steps report every attack held, the after step finds no straggler
#   2. the console: the steps' fake result lines are marked, the kernel's OOM message
#      came whole through the PID 1, the kernel wrote nothing itself during the steps,
#      and the only result line is the PID 1's "fail step=victim"
#   3. the runner exits 1, `seedboot status` says "result fail step=victim"
#   4. a second boot of the same disk (a forged journal would show here) fails the same
. "$(dirname "$0")/lib.sh"
arch=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
spec=$SRC/tests/images/hostile.toml
run=$tmp/run
# The console of the last boot, without CRs, as a file: grep -q on a pipe would end the
# writer early (SIGPIPE, a failed pipeline under pipefail).
console=$tmp/console
has() { grep -q "$@" "$console"; }
attack_steps=1
[ "$arch" = x86_64 ] && attack_steps=2

check_boot() { # check_boot WHAT RC
  local what=$1 rc=$2
  [ "$rc" -eq 1 ] || { tail -30 "$console" >&2; fail "$what: expected exit 1 (the victim step fails), got $rc"; }
  grep -qF "the chain failed: SEEDBOOT-RESULT: fail step=victim status=1" "$tmp/err" ||
    fail "$what: the runner did not say the victim failed: $(cat "$tmp/err")"
  [ "$(grep -c '^SEEDBOOT-RESULT:' "$console")" -eq 1 ] ||
    fail "$what: more than one unmarked result line: $(grep -n 'SEEDBOOT-RESULT:' "$console")"
  has -x 'SEEDBOOT-RESULT: fail step=victim status=1' || fail "$what: no fail line for the victim"
  has -x 'seedboot: error: output /tmp/victim.out is a symbolic link or lies behind one (expected a regular file reached through no link)' ||
    fail "$what: the symlinked output was not refused as such"
  "$SEEDBOOT" status "$run/work.img" >"$tmp/status" || fail "$what: seedboot status exited non-zero"
  grep -qx '  result fail step=victim status=1' "$tmp/status" || fail "$what: status: $(cat "$tmp/status")"
}

# 1-3. The attacks.
rc=0
boot "$arch" "$spec" "$run" 2>"$tmp/err" >/dev/null || rc=$?
tr -d '\r' <"$run/console.log" >"$console"
if has '^> BROKEN '; then
  grep '^> BROKEN ' "$console" >&2
  fail "$arch: an attack got through (the BROKEN lines above)"
fi
summaries=$(grep -cE '^> hostile-step [a-z0-9_-]+ (attack|after): [0-9]+ attacks, [0-9]+ held, 0 broken$' "$console" || true)
[ "$summaries" -eq $((attack_steps + 1)) ] ||
  fail "$arch: expected $((attack_steps + 1)) clean hostile-step summaries, found $summaries"
attacks=$(awk '/^> hostile-step [a-z0-9_-]+ attack: / { print $5; exit }' "$console")
[ "${attacks:-0}" -ge 30 ] || fail "$arch: only ${attacks:-0} attacks ran (a step died early?)"
check_boot "$arch" $rc
# The step's fake verdicts, even one cut by the kernel's OOM message, reach the console marked.
has -x '> x' || fail "$arch: the step's unfinished line was not ended before the kernel spoke"
has -x '> SEEDBOOT-RESULT: ok' || fail "$arch: the step's fake result line is missing or unmarked"
has -x '> ?SEEDBOOT-RESULT: ok' || fail "$arch: a carriage return reached the console"
has -E '^seedboot: kernel: \[ *[0-9]+\.[0-9]{6}\] Out of memory: Killed process [0-9]+ \(hostile-step\)' ||
  fail "$arch: the OOM kill did not come through the PID 1 as a whole line"
# While steps ran, only the PID 1 wrote: no line of the kernel's own ("[  12.3] ...").
sed -n '/\] attack start$/,/^SEEDBOOT-RESULT/p' "$console" | grep -E '^\[ *[0-9]+\.[0-9]+\]' >&2 &&
  fail "$arch: the kernel wrote to the console itself during a step"
held=$(grep -c '^> held ' "$console")
grep -q "^> held .*: no layer folder or layer cache in the tree: absent$" "$console" || fail "$arch: the layers and cache check did not run"
echo "hostile $arch: $held attacks held in $((attack_steps + 1)) steps; exit 1, status 'result fail step=victim status=1'"

# 4. The same disk again: the finished steps stay finished, the victim fails again.
rc=0
boot "$arch" "$spec" "$run" --resume 2>"$tmp/err" >/dev/null || rc=$?
tr -d '\r' <"$run/console.log" >"$console"
check_boot "$arch (second boot)" $rc
has '\] attack already done (journal)$' || fail "$arch (second boot): the attack step ran again"
echo "hostile $arch: second boot of the same disk: exit 1, status 'result fail step=victim status=1'"
