#!/usr/bin/env bash
# limits.sh: a step's fake result lines are marked and do not end the run;
# a straggler left by a finished step is killed and the step passes;
# a hung step is killed at its time limit and the run fails with status 124.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0
boot x86_64 "$SRC/tests/images/limits.toml" "$tmp/run" >/dev/null 2>&1 || rc=$?
log=$(tr -d '\r' < "$tmp/run/console.log")
[ $rc -eq 1 ] || { echo "$log" | tail -20 >&2; fail "expected exit 1 (chain failed), got $rc"; }
grep -qE '^seedboot: \[2/3\] straggler end status=0 [0-9.]+ s$' <<<"$log" || fail "the straggler step did not end with status 0"
secs=$(grep -oE 'straggler end status=0 [0-9.]+' <<<"$log" | awk '{print int($4)}')
[ "$secs" -lt 30 ] || fail "the straggler step took $secs s: its child was not cut off"
# The spec's [image] cpus = 1 reaches the guest (without it: one CPU per host core).
grep -q 'PID 1 up at [0-9.]* s since boot, 1 CPU(s) online' <<<"$log" || fail "the spec's cpus = 1 did not reach the guest"
# Its memory = "768M" too: the kernel keeps a few MiB for itself.
ram=$(sed -n 's/.*CPU(s) online, \([0-9]*\) MiB of RAM$/\1/p' <<<"$log")
[ -n "$ram" ] && [ "$ram" -gt 700 ] && [ "$ram" -le 768 ] || fail "the guest has '$ram' MiB of RAM, expected 700..768 (memory = \"768M\")"
grep -q 'error: step hang ran past its limit of 3 s and was killed' <<<"$log" || fail "no time-limit message"
# Only the PID 1 writes a result line: the spoofing step's two lines are marked.
[ "$(grep -c '^> SEEDBOOT-RESULT: ok$' <<<"$log")" -eq 2 ] || fail "the spoofing step's lines were not marked"
[ "$(grep -c '^SEEDBOOT-RESULT:' <<<"$log")" -eq 1 ] || fail "more than one result line on the console"
grep -q '^SEEDBOOT-RESULT: fail step=hang status=124$' <<<"$log" || fail "no fail line for the hung step"
"$SEEDBOOT" status "$tmp/run/work.img" >"$tmp/status"
grep -q "hang .*failed (status 124" "$tmp/status" || fail "status does not show the failed step"
# Nothing lost: the step that finished before the hung one stays finished.
grep -q "straggler .*done (status 0" "$tmp/status" || fail "the finished step is no longer journaled done"
echo "limits: straggler cut off after ${secs} s, hung step killed at its limit"
