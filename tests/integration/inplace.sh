#!/usr/bin/env bash
# inplace.sh: issue 25's case, cut by cut. Steps that append, rename, delete, chmod and
# re-point in place (tests/images/inplace.toml) are cut off (--power-cut-after) after a
# chosen change, then resumed. Every resumed run must end ok with the outputs and the tree
# digest of an uncut run, the console must say which step starts again on its starting
# tree, the finished steps must not run again, and the cut step's partial layer must be set
# aside whole. A step that started on any other tree fails (the step checks it), so a
# resume that left a rename or a deletion of the cut step behind fails here. x86_64; the
# random cuts of power-cut-inplace-ARCH cover the other arches.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
spec=$SRC/tests/images/inplace.toml
console() { tr -d '\r' <"$1/console.log"; }
results() { # the output hashes and the tree digest a run printed
  console "$1" | grep -E '^seedboot: (output [0-9a-f]{64}  |build root build: tree digest )' |
    sed 's/ (matches answers)//; s/ (.*entries.*)$//' | sort -u
}

boot x86_64 "$spec" "$tmp/ref" --no-cache >/dev/null || fail "the uncut run failed"
results "$tmp/ref" >"$tmp/ref.results"
[ "$(grep -c '^seedboot: output ' "$tmp/ref.results")" -eq 6 ] || fail "expected 6 outputs: $(cat "$tmp/ref.results")"
grep -q 'tree digest' "$tmp/ref.results" || fail "the uncut run printed no tree digest"

# point, the step it cuts (index and name), the finished steps that must not run again.
cuts=("> inplace change: change 3 of 9|2|change|seed"
  "> inplace change: change 9 of 9|2|change|seed"
  "> inplace change: done|2|change|seed"
  "> inplace again: change 2 of 5|3|again|seed change"
  "> inplace again: change 5 of 5|3|again|seed change")
for c in "${cuts[@]}"; do
  IFS='|' read -r point index step done_steps <<<"$c"
  out=$tmp/cut
  rm -rf "$out"
  rc=0
  boot x86_64 "$spec" "$out" --no-cache --power-cut-after "$point" >/dev/null 2>&1 || rc=$?
  [ $rc -eq 5 ] || fail "cut after '$point': expected exit 5 (power cut), got $rc"
  rc=0
  boot x86_64 "$spec" "$out" --no-cache --resume >/dev/null 2>&1 || rc=$?
  [ $rc -eq 0 ] || { console "$out" | tail -20 >&2; fail "resume after '$point' exited $rc"; }
  console "$out" | grep -qx "seedboot: layers: \[$index\] $step was cut off or failed, so it starts again from the tree it started on" ||
    fail "after '$point': the console does not say $step starts again"
  console "$out" | grep -qE "^seedboot: layers: no trusted journal line commits it: layer 000$index set aside whole \(as /work/aside/0$index-$step\.1\)$" ||
    fail "after '$point': the cut step's layer was not set aside whole: $(console "$out" | grep 'layers:')"
  for s in $done_steps; do
    console "$out" | grep -qE "^seedboot: \[[0-9]/3\] $s start$" && fail "after '$point': finished step $s ran again"
  done
  results "$out" | diff "$tmp/ref.results" - >&2 || fail "after '$point': other results than the uncut run"
  echo "cut after '$point': $step restarted on its starting tree, results identical"
done
echo "inplace: ${#cuts[@]} cuts inside in-place steps, every resume identical to the uncut run"
