#!/usr/bin/env bash
# dist.sh: the release assets of issue 28 (`make dist`, `seedboot images --asset`).
# Copy b of the repository's tracked files differs from the checkout in folder, mtimes,
# permission bits, umask, TZ and locale. It builds its own three PID 1s (with the shared
# sysroots and this machine's compilers) and its own static CLI (make static-cli: libcurl from
# Debian's curl source package, fetched again). Its kernels are copies of the build folder's:
# this test does not rebuild them (6-10 min per arch here).
#   - each PID 1 it builds, and its static CLI, are the same bytes as the build folder's;
#   - `seedboot images` over the default spec, with the static CLI and one extra asset, gives
#     the same SHA256SUMS on both sides, the copy's made by its own static CLI: 3 disks, each
#     arch's seedboot-init, seedboot-kernel and its .config, seedboot-x86_64 and the extra;
#     `sha256sum -c` accepts it, the assets pass the preflight;
#   - the static CLI alone, run from outside both, boots the default image to its ok result;
#   - `seedboot release` signs it, and INPUTS names a PID 1 from outside the repository and
#     the build folder (the embed path) as {prebuilt}/seedboot-init-ARCH;
#   - refused: an extra asset named like one of seedboot's own files, a kernel with no config.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
arches="i386 x86_64 aarch64"
git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1 || fail "$SRC is not a git checkout (dist.sh copies its tracked files)"

# Copy b: the tracked files as the working tree has them, touched differently.
b=$tmp/b
mkdir -p "$b"
git -C "$SRC" ls-files -z | tar -C "$SRC" --null -T - -cf - | tar -C "$b" -xf -
find "$b" -type f -exec chmod g+w,o-r {} + -exec touch -d '2031-02-03 04:05:06' {} +
find "$b" -type d -exec chmod 0700 {} +
for arch in $arches; do
  sysroot=$BUILD/sysroot/$arch
  [ $arch != x86_64 ] || sysroot=$b/build/sysroot/x86_64 # unused: as the Makefile passes it
  (cd "$b" && umask 077 && TZ=Pacific/Kiritimati LC_ALL=C.UTF-8 \
    cmake -S . -B build/guest/$arch -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-$arch.cmake -DSEEDBOOT_SYSROOT="$sysroot" >/dev/null &&
    cmake --build build/guest/$arch -j"${JOBS:-2}" --target init >"$tmp/build-$arch.log" 2>&1) ||
    fail "building the $arch PID 1 in the copy: $(tail -20 "$tmp/build-$arch.log")"
  cmp "$b/build/guest/$arch/init/init" "$(init_of $arch)" ||
    fail "$arch: the PID 1 built in a differently-touched copy differs from $(init_of $arch)"
  mkdir -p "$b/build/kernel"
  cp -r "$BUILD/kernel/$arch" "$b/build/kernel/"
done

# The static CLI, in the build folder (kept up to date there) and in the copy.
"$SRC/tools/static-cli.sh" "$SRC" "$BUILD/static-cli" 2>"$tmp/static-a.log" ||
  fail "make static-cli in the checkout: $(cat "$tmp/static-a.log")"
(cd "$b" && umask 077 && TZ=Pacific/Kiritimati LC_ALL=C.UTF-8   tools/static-cli.sh . build/static-cli 2>"$tmp/static-b.log") ||
  fail "make static-cli in the copy: $(cat "$tmp/static-b.log")"
cli=$BUILD/static-cli/seedboot-x86_64
cmp "$b/build/static-cli/seedboot-x86_64" "$cli" ||
  fail "the static CLI built in a differently-touched copy differs from $cli"
# What it was linked from: the curl source and Debian's packages, the same on both sides.
cmp "$b/build/static-cli/seedboot-x86_64.inputs" "$cli.inputs" ||
  fail "the static CLI's inputs differ between the two builds: $(diff "$cli.inputs" "$b/build/static-cli/seedboot-x86_64.inputs")"
for want in "source curl $(cut -d' ' -f2 "$BUILD/static-cli/curl.txt") " "deb libc6-dev " "deb libarchive-dev " \
  "deb libsodium-dev " "deb libssl-dev "; do
  grep -q "^$want" "$cli.inputs" || fail "$cli.inputs has no line '$want...': $(cat "$cli.inputs")"
done
! "$SEEDBOOT" preflight "$SEEDBOOT" >/dev/null 2>&1 || fail "the dynamic CLI passed the preflight"

# One spec, both sides, with an extra asset whose copies differ in mtime and mode.
a=$tmp/a
mkdir -p "$a/images" "$b/only"
cp -r "$SRC/rootfs" "$SRC/kernel-config" "$a/"
cp "$SRC/images/default.toml" "$a/images/"
cp "$b/images/default.toml" "$b/only/"
echo "notes of this release" >"$tmp/notes.txt"
cp "$tmp/notes.txt" "$b/notes.txt" && touch -d '2031-02-03' "$b/notes.txt" && chmod 0600 "$b/notes.txt"
(cd "$a" && umask 022 && TZ=UTC LC_ALL=C "$SEEDBOOT" images --specs images --build-dir "$BUILD" \
  -o out --cli "$cli" --asset "$tmp/notes.txt" >"$tmp/a.log" 2>&1) || fail "images in a: $(cat "$tmp/a.log")"
(cd "$b" && umask 077 && TZ=Pacific/Kiritimati LC_ALL=C.UTF-8 build/static-cli/seedboot-x86_64 \
  images --specs only --build-dir build -o out --cli build/static-cli/seedboot-x86_64 \
  --asset notes.txt >"$tmp/b.log" 2>&1) || fail "images in b: $(cat "$tmp/b.log")"
diff "$a/out/SHA256SUMS" "$b/out/SHA256SUMS" >&2 || fail "the two SHA256SUMS differ"
grep -q '^seedboot: release assets: seedboot-init-i386, .*, notes.txt$' "$tmp/a.log" ||
  fail "images does not name the assets: $(cat "$tmp/a.log")"
want=$(for arch in $arches; do
  echo "default-$arch.img"
  echo "seedboot-init-$arch"
  echo "seedboot-kernel-$arch"
  echo "seedboot-kernel-$arch.config"
done
echo seedboot-x86_64
echo notes.txt)
[ "$(cut -c67- "$a/out/SHA256SUMS" | LC_ALL=C sort)" = "$(echo "$want" | LC_ALL=C sort)" ] ||
  fail "SHA256SUMS lists $(cut -c67- "$a/out/SHA256SUMS" | tr '\n' ' '), expected $(echo "$want" | tr '\n' ' ')"
(cd "$a/out" && sha256sum -c --quiet SHA256SUMS) || fail "sha256sum -c rejects out/SHA256SUMS"
for arch in $arches; do
  "$SEEDBOOT" preflight --arch $arch "$a/out/seedboot-init-$arch" >/dev/null ||
    fail "the asset seedboot-init-$arch fails the preflight"
  [ "$(stat -c %a "$a/out/seedboot-init-$arch")" = 755 ] || fail "seedboot-init-$arch is not mode 755"
  cmp "$a/out/seedboot-kernel-$arch.config" "$BUILD/kernel/$arch/.config" ||
    fail "seedboot-kernel-$arch.config is not the kernel's .config"
done

[ "$(stat -c %a "$a/out/seedboot-x86_64")" = 755 ] || fail "seedboot-x86_64 is not mode 755"

# The static CLI alone (no library of the build), from a folder outside both, boots the
# default image on the assets of the release.
mkdir -p "$tmp/c"
rc=0
(cd "$tmp/c" && "$a/out/seedboot-x86_64" boot "$SRC/images/default.toml" --arch x86_64 \
  --kernel "$a/out/seedboot-kernel-x86_64" --init "$a/out/seedboot-init-x86_64" \
  --build-dir "$tmp/c/build" --out-dir "$tmp/c/run" -q >"$tmp/c.log" 2>&1) || rc=$?
[ $rc -eq 0 ] && tr -d '\r' <"$tmp/c/run/console.log" | grep -qx 'SEEDBOOT-RESULT: ok' ||
  fail "the static CLI's boot of the default image (exit $rc): $(tail -5 "$tmp/c.log")"

# A release signs the assets with the images; a PID 1 from elsewhere is named, not refused.
"$SEEDBOOT" keygen -p "$tmp/k.pub" -s "$tmp/k.key" >/dev/null || fail "keygen"
mkdir -p "$tmp/prebuilt"
cp "$(init_of x86_64)" "$tmp/prebuilt/init"
(cd "$a" && SEEDBOOT_INIT_x86_64="$tmp/prebuilt/init" "$SEEDBOOT" images --specs images \
  --build-dir "$BUILD" -o out2 >"$tmp/log" 2>&1 &&
  SEEDBOOT_INIT_x86_64="$tmp/prebuilt/init" "$SEEDBOOT" release --dir out2 --key "$tmp/k.key" \
    --name t --specs images --build-dir "$BUILD" >>"$tmp/log" 2>&1) ||
  fail "a release with a prebuilt PID 1: $(cat "$tmp/log")"
diff <(grep -Ev ' (notes.txt|seedboot-x86_64)$' "$a/out/SHA256SUMS") "$a/out2/SHA256SUMS" >&2 ||
  fail "the same PID 1 through \$SEEDBOOT_INIT_x86_64 gave other bytes"
grep -qxF "$(sha256sum <"$tmp/prebuilt/init" | cut -d' ' -f1)  {prebuilt}/seedboot-init-x86_64" "$a/out2/INPUTS" ||
  fail "INPUTS does not name the prebuilt PID 1 as {prebuilt}/seedboot-init-x86_64"
! grep -qF "$tmp" "$a/out2/INPUTS" || fail "INPUTS names a folder of this run"
minisign -Vq -p "$tmp/k.pub" -m "$a/out2/SHA256SUMS" -x "$a/out2/SHA256SUMS.minisig.t" ||
  fail "minisign rejects the signature over SHA256SUMS"

# Refusals, each before SHA256SUMS is replaced.
cp "$a/out/SHA256SUMS" "$tmp/sums.before"
cd "$a"
echo x >"$tmp/SHA256SUMS"
expect_error "SHA256SUMS: its name 'SHA256SUMS' is taken by another file of the release" \
  "$SEEDBOOT" images --specs images --build-dir "$BUILD" -o out --asset "$tmp/SHA256SUMS"
mkdir -p "$tmp/k" && cp "$BUILD/kernel/x86_64/bzImage" "$tmp/k/"
expect_error "$tmp/k/bzImage: no kernel configuration beside it (expected $tmp/k/.config or $tmp/k/bzImage.config" \
  env SEEDBOOT_KERNEL_x86_64="$tmp/k/bzImage" "$SEEDBOOT" images --specs images --build-dir "$BUILD" -o out
cmp "$a/out/SHA256SUMS" "$tmp/sums.before" || fail "a refused run replaced SHA256SUMS"
echo "dist: $(wc -l <"$b/out/SHA256SUMS") files identical across the checkout and a differently-touched copy; PID 1s and the static CLI ($(du -h "$cli" | cut -f1)) rebuilt there are the same bytes; the static CLI alone boots the default image"
