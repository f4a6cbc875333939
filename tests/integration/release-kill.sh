#!/usr/bin/env bash
# release-kill.sh: `seedboot release` killed in the middle leaves every file of the release
# folder whole. A release over a folder that already holds one (INPUTS and the signatures of
# an earlier release) is killed (SIGKILL, by strace's syscall tampering) at each write, fsync
# and rename it makes, one run each; after every kill each file must be byte for byte the old
# release's or the new one's, and no file may be left that was not there (the temporary files
# are hidden: .NAME.tmp-XXXXXX). The last run goes through and gives the new release's bytes.
. "$(dirname "$0")/lib.sh"
command -v strace >/dev/null || fail "strace not installed (tools/install-deps.sh installs it)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A copy of the repository's inputs and a release folder with one image; no kernel is needed:
# the image is no spec's, so INPUTS names the specs, rootfs/ and kernel-config/ only.
repo=$tmp/repo
mkdir -p "$repo/images" "$repo/out"
cp -r "$SRC/rootfs" "$SRC/kernel-config" "$repo/"
cp "$SRC/images/default.toml" "$repo/images/"
cd "$repo"
head -c 1048576 /dev/zero | tr '\0' 'x' >out/test.img
(cd out && sha256sum test.img >SHA256SUMS)
for key in old new; do
  "$SEEDBOOT" keygen -p "$tmp/$key.pub" -s "$tmp/$key.key" >/dev/null || fail "keygen $key"
done
release() { "$SEEDBOOT" release --dir "$1" --key "$tmp/$2.key" --name builder --build-dir "$BUILD"; }
written="INPUTS INPUTS.minisig.builder SHA256SUMS.minisig.builder"

# The old release, and the new one (another key, another input) made apart: every file the
# release writes differs between the two.
release out old >/dev/null || fail "the old release"
mkdir "$tmp/old" "$tmp/new"
for f in $written; do cp "out/$f" "$tmp/old/"; done
echo "changed after the old release" >>rootfs/locks/stage0-posix.lock
cp -r out "$tmp/new-out"
release "$tmp/new-out" new >/dev/null || fail "the new release"
for f in $written; do
  cp "$tmp/new-out/$f" "$tmp/new/"
  ! cmp -s "$tmp/old/$f" "$tmp/new/$f" || fail "$f is the same in the old and the new release"
done
visible=$(ls out)

kills=0
for call in write fsync rename; do
  for ((n = 1; ; n++)); do
    for f in $written; do cp "$tmp/old/$f" "out/$f"; done
    rc=0 # the subshell keeps bash's "Killed" notice off the test's output
    (
      strace -qq -o /dev/null -e trace=write,fsync,rename,renameat,renameat2 \
        -e inject="$call:signal=KILL:when=$n" "$SEEDBOOT" release --dir out --key "$tmp/new.key" \
        --name builder --build-dir "$BUILD" >/dev/null 2>&1
      exit $?
    ) 2>/dev/null || rc=$?
    [ $rc -eq 0 ] || [ $rc -eq 137 ] || fail "release killed at $call $n exited $rc, expected a kill (137)"
    for f in $written; do
      cmp -s "out/$f" "$tmp/old/$f" || cmp -s "out/$f" "$tmp/new/$f" ||
        fail "killed at $call $n: out/$f is neither the old release's nor the new one's"
    done
    [ "$(ls out)" = "$visible" ] || fail "killed at $call $n: out/ holds $(ls out | tr '\n' ' ')"
    [ $rc -eq 137 ] || break # this run went through: there was no ${n}th $call
    kills=$((kills + 1))
  done
  for f in $written; do
    cmp -s "out/$f" "$tmp/new/$f" || fail "the release that went through gave another out/$f"
  done
done
[ $kills -ge 9 ] || fail "only $kills kills (expected at least the 3 writes, 6 fsyncs and 3 renames)"
"$SEEDBOOT" verify --pubkey "$tmp/new.pub" -x out/SHA256SUMS.minisig.builder out/SHA256SUMS \
  >/dev/null || fail "the new signature does not verify"
echo "release-kill: killed $kills times (each write, fsync and rename); every file old or new, whole"
