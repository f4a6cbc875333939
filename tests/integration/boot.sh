#!/usr/bin/env bash
# boot.sh ARCH IMAGE [--uefi]: boots images/IMAGE.toml on ARCH under QEMU and
# expects SEEDBOOT-RESULT: ok; checks the console protocol's step lines too.
. "$(dirname "$0")/lib.sh"
arch=$1 image=$2 mode=${3:-}
[ "$mode" = --uefi ] || mode=""
out="$BUILD/test-run/$image-$arch${mode:+-uefi}"
rm -rf "$out"
rc=0
boot "$arch" "$SRC/images/$image.toml" "$out" $mode || rc=$?
log="$out/console.log"
if [ $rc -ne 0 ]; then
  tail -n 40 "$log" >&2 || true
  fail "$image on $arch: seedboot boot exited $rc"
fi
grep -q '^SEEDBOOT-RESULT: ok' <(tr -d '\r' < "$log") || fail "no ok result line in $log"
steps=$("$SEEDBOOT" plan "$SRC/images/$image.toml" --arch "$arch" --build-dir "$BUILD" | grep -c '^step ')
ends=$(tr -d '\r' < "$log" | grep -cE '^seedboot: \[[0-9]+/[0-9]+\] .* end status=0')
[ "$ends" -eq "$steps" ] || fail "$image on $arch: $ends of $steps steps reported end status=0"
echo "$image on $arch: ok, $steps steps"
