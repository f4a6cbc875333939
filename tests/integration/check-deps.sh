#!/usr/bin/env bash
# check-deps.sh: the builder's libraries link as README.md's table says, with no circle, and no
# file includes a header of a library its own does not link (tools/check-deps.py); the check
# refuses each of those drifts, naming the file or the libraries. No QEMU.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check=$SRC/tools/check-deps.py
"$check" "$SRC" >"$tmp/out" || fail "check-deps fails on the checkout: $(cat "$tmp/out")"

copy() { rm -rf "$tmp/c" && mkdir -p "$tmp/c" && cp -r "$SRC/builder" "$SRC/qemu" "$SRC/libseedboot" \
  "$SRC/README.md" "$tmp/c/"; }
copy # disk/ is below pack/: it may not use it
sed -i '1a #include "builder/pack/pack.hpp"' "$tmp/c/builder/disk/grow.cpp"
expect_error 'builder/disk/grow.cpp: includes "builder/pack/pack.hpp" of seedboot_pack, which seedboot_disk does not link' \
  "$check" "$tmp/c"
copy
sed -i 's/target_link_libraries(seedboot_spec PUBLIC seedboot_core)/target_link_libraries(seedboot_spec PUBLIC seedboot_core seedboot_pack)/' \
  "$tmp/c/builder/spec/CMakeLists.txt"
expect_error "the libraries link in a circle: seedboot_" "$check" "$tmp/c"
copy
sed -i 's/^| `seedboot_export` | `builder\/export\/` | `seedboot_readback` |$/| `seedboot_export` | `builder\/export\/` | `seedboot_disk` |/' "$tmp/c/README.md"
expect_error "README.md: seedboot_export links seedboot_readback in CMake, the table says seedboot_disk" \
  "$check" "$tmp/c"
echo "check-deps: ok ($(cat "$tmp/out"))"
