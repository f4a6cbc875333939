#!/usr/bin/env bash
# docs.sh: the README stays under 400 lines and every relative link of README.md, docs/ and
# init/AUDIT.md reaches its file and heading (tools/check-docs.py); the check refuses a broken
# anchor, a missing page and a README grown past the limit, naming each. No QEMU.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check=$SRC/tools/check-docs.py
"$check" "$SRC" >"$tmp/out" || fail "check-docs fails on the checkout: $(cat "$tmp/out")"

copy() { rm -rf "$tmp/c" && mkdir -p "$tmp/c/init" && cp -r "$SRC/README.md" "$SRC/docs" "$tmp/c/" &&
  cp "$SRC/init/AUDIT.md" "$tmp/c/init/"; }
copy
echo 'See [the screen](hardware.md#the-monitor).' >>"$tmp/c/docs/kernel.md"
expect_error "docs/kernel.md: links to hardware.md#the-monitor, but docs/hardware.md has no heading #the-monitor" \
  "$check" "$tmp/c"
copy
rm "$tmp/c/docs/fuzzing.md"
expect_error "README.md: links to docs/fuzzing.md, but docs/fuzzing.md does not exist" "$check" "$tmp/c"
copy
for _ in $(seq 400); do echo "more" >>"$tmp/c/README.md"; done
expect_error "README.md: $(($(wc -l <"$SRC/README.md") + 400)) lines (expected under 400" "$check" "$tmp/c"
echo "docs: ok ($(cat "$tmp/out"))"
