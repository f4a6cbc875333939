#!/usr/bin/env bash
# resume.sh: cut the power (SIGKILL QEMU) at several points of the default
# chain on x86_64 -- before layout ends, inside a step, right after a step,
# around the journal write -- then boot again: every run must finish with the
# same output hashes as a run that was never interrupted, and `seedboot
# status` must read the cut-off disk (journal replay on a private copy).
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
spec="$SRC/images/default.toml"
outputs() { tr -d '\r' < "$1" | grep -E '^seedboot: output ' | awk '{print $3, $4}' | sort -u; }

boot x86_64 "$spec" "$tmp/ref" >/dev/null || fail "the uninterrupted run failed"
outputs "$tmp/ref/console.log" > "$tmp/ref.outputs"
[ "$(wc -l < "$tmp/ref.outputs")" -eq 4 ] || fail "expected 4 outputs in the reference run"

points=("work partition" "build tree laid out" "] hex0-fixed-point start" "] catm end status=0"
        "/tmp/hello.hex0  (matches answers)" "] run-hello start")
for point in "${points[@]}"; do
  out="$tmp/cut"
  rm -rf "$out"
  rc=0
  boot x86_64 "$spec" "$out" --power-cut-after "$point" >/dev/null 2>&1 || rc=$?
  [ $rc -eq 5 ] || fail "cut after '$point': expected exit 5 (power cut), got $rc"
  "$SEEDBOOT" status "$out/work.img" > "$tmp/status" 2>&1 || fail "status after a cut at '$point': $(cat "$tmp/status")"
  rc=0
  boot x86_64 "$spec" "$out" --resume >/dev/null 2>&1 || rc=$?
  [ $rc -eq 0 ] || { tail -20 "$out/console.log" >&2; fail "resume after a cut at '$point' exited $rc"; }
  # "start" is printed after "begin" is journaled: the step was cut off inside.
  if [[ $point == *start ]]; then
    tr -d '\r' < "$out/console.log" | grep -q "was cut off or failed, so it starts again from the tree it started on" ||
      fail "after a cut at '$point' the step was not started again from its starting tree"
    tr -d '\r' < "$out/console.log" | grep -o "layer [0-9]* set aside whole.*" || true
  fi
  outputs "$out/console.log" > "$tmp/got"
  diff "$tmp/ref.outputs" "$tmp/got" >&2 || fail "resume after '$point' gave other outputs"
  "$SEEDBOOT" status "$out/work.img" | grep -q "5 of 5 steps done" || fail "status after resume ('$point')"
  echo "cut after '$point': resumed, same outputs"
done
