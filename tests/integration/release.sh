#!/usr/bin/env bash
# release.sh: signed releases. `seedboot release` twice over the same images gives the same
# bytes; with a second builder's signature a 2-of-2 trust file passes and stock minisign
# accepts each signature; a changed image is refused and a missing signer is named.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v minisign >/dev/null || fail "minisign not installed (tools/install-deps.sh installs it)"

for who in alice bob; do
  "$SEEDBOOT" keygen -p "$tmp/$who.pub" -s "$tmp/$who.key" >/dev/null || fail "keygen $who"
done

# A copy of the repository's inputs. Only the specs that need no user-supplied sources or
# earlier runs: 2 specs x 3 arches, built once.
repo=$tmp/repo
mkdir -p "$repo/tests" "$repo/images"
cp -r "$SRC/rootfs" "$SRC/kernel-config" "$repo/"
cp -r "$SRC/tests/guest" "$repo/tests/"
cp "$SRC/images/default.toml" "$SRC/images/sandbox.toml" "$repo/images/"
cd "$repo"
"$SEEDBOOT" images --specs images --build-dir "$BUILD" -o out >/dev/null || fail "seedboot images"
cp -r out out2
release() { "$SEEDBOOT" release --dir "$1" --key "$tmp/$2.key" --name "$2" --build-dir "$BUILD"; }

# Two releases by alice: the same bytes (no times, no host names, no absolute paths).
release out alice >"$tmp/log" || fail "release by alice: $(cat "$tmp/log")"
grep -qF "signed out/SHA256SUMS" "$tmp/log" || fail "release does not say what it signed"
release out2 alice >/dev/null || fail "second release by alice"
for f in SHA256SUMS INPUTS SHA256SUMS.minisig.alice INPUTS.minisig.alice; do
  cmp out/$f out2/$f || fail "out/$f and out2/$f differ between two releases"
done

# INPUTS: the version, then sorted "sha256  path" lines naming no folder of this run.
head -n1 out/INPUTS | grep -qx 'version [0-9][0-9.]*' || fail "INPUTS does not start with a version"
tail -n +2 out/INPUTS | LC_ALL=C sort -c -k2 || fail "INPUTS lines are not sorted by path"
# The kernel source the kernels were really built from (build-kernel.sh's record).
tarball=$(cut -d' ' -f3 "$BUILD/kernel/x86_64/source")
grep -qF "$(cut -d' ' -f1 "$BUILD/kernel/x86_64/source")  $tarball" out/INPUTS ||
  fail "INPUTS does not record the kernel source the kernels were built from"
for p in images/default.toml rootfs/locks/stage0-posix.lock kernel-config/source.lock \
  kernel-config/build-kernel.sh tests/guest/sandbox-probe/x86_64.answers '{build}/kernel/x86_64/bzImage' \
  '{build}/guest/aarch64/init/init' "$tarball"; do
  grep -qF "  $p" out/INPUTS || fail "INPUTS does not list $p"
done
! grep -qF -e "$tmp" -e "$BUILD" out/INPUTS || fail "INPUTS names a folder of this run"
grep -v -e '^version ' -e '  {build}/' -e '  /' out/INPUTS | sha256sum -c --quiet ||
  fail "INPUTS does not match the repository files"

# bob, a second builder with the same images, signs too; 2 of 2 then pass.
release out2 bob >/dev/null || fail "release by bob"
cmp out/INPUTS out2/INPUTS || fail "bob's INPUTS differ from alice's"
{
  echo "threshold 2"
  echo "key alice $(sed -n 2p "$tmp/alice.pub")"
  echo "key bob $(sed -n 2p "$tmp/bob.pub")"
} >"$tmp/trust"
"$SEEDBOOT" verify --trust "$tmp/trust" out2/SHA256SUMS out2/INPUTS >"$tmp/log" ||
  fail "2-of-2 verify: $(cat "$tmp/log")"
[ "$(grep -c '2 of 2 required signatures: signed by alice, bob' "$tmp/log")" = 2 ] ||
  fail "verify did not count alice and bob on both files: $(cat "$tmp/log")"
for who in alice bob; do
  for f in SHA256SUMS INPUTS; do
    minisign -Vq -p "$tmp/$who.pub" -m out2/$f -x out2/$f.minisig.$who ||
      fail "minisign -V rejects out2/$f.minisig.$who"
  done
done

# One changed byte in one image: no release, and alice's signatures stay as they were.
img=out/default-x86_64.img at=3000000
b=$(od -An -tu1 -j $at -N1 "$img" | tr -d ' ')
printf "\\$(printf %03o $(((b + 1) % 256)))" | dd of="$img" bs=1 seek=$at conv=notrunc status=none
expect_error "out/default-x86_64.img: sha256 " release out alice
grep -qF "but out/SHA256SUMS:" "$tmp/stderr" || fail "the refusal does not name both hashes"
cmp out/SHA256SUMS.minisig.alice out2/SHA256SUMS.minisig.alice || fail "a refused release signed"
expect_error "out3/SHA256SUMS: not found" release out3 alice

# Without bob's signature, 2 of 2 fails and says who is missing.
rm out2/SHA256SUMS.minisig.bob
expect_error "missing bob" "$SEEDBOOT" verify --trust "$tmp/trust" out2/SHA256SUMS
echo "release: $(wc -l <out/SHA256SUMS) images and $(wc -l <out/INPUTS) INPUTS lines signed" \
  "reproducibly by alice and bob"
