#!/usr/bin/env bash
# install.sh: `make install` and `make deb` (issue 28). The install is staged twice, the
# second copy touched and chmod-ed otherwise, and the two .debs are the same bytes. The .deb
# installs with dpkg into a scratch root, and its seedboot alone, run from outside the
# checkout with no --init and no --kernel, boots the default image on x86_64; dpkg then
# removes it and no file is left. A dynamic PID 1 as the embed path (INIT_ARCH) is refused
# before anything is installed.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
version=$(grep -om1 ' VERSION [0-9.]*' "$SRC/CMakeLists.txt" | cut -d' ' -f3)

stage() { (cd "$SRC" && tools/install.sh "$1" /usr "$SEEDBOOT" "$BUILD") >"$tmp/log" 2>&1; }
stage "$tmp/a" || fail "tools/install.sh: $(cat "$tmp/log")"
stage "$tmp/b" || fail "tools/install.sh: $(cat "$tmp/log")"
find "$tmp/b" -exec touch -h -d @1234567890 {} + && chmod -R g+w,o-r "$tmp/b/usr/share"
# a with absolute paths, b with relative ones, as `make deb` passes them.
"$SRC/tools/make-deb.sh" "$tmp/a" "$version" "$tmp/a.deb" >"$tmp/log" 2>&1 || fail "make-deb.sh a: $(cat "$tmp/log")"
(cd "$tmp" && "$SRC/tools/make-deb.sh" b "$version" b.deb) >"$tmp/log" 2>&1 || fail "make-deb.sh b (relative paths): $(cat "$tmp/log")"

cmp "$tmp/a.deb" "$tmp/b.deb" || fail "two stagings of the same install gave different .debs"
dpkg-deb -f "$tmp/a.deb" Depends | grep -q 'libarchive13.*qemu-system-x86' ||
  fail "the .deb's Depends lacks the CLI's libraries or QEMU: $(dpkg-deb -f "$tmp/a.deb" Depends)"
dpkg-deb -c "$tmp/a.deb" >"$tmp/contents"
for f in usr/bin/seedboot usr/lib/seedboot/i386/init usr/lib/seedboot/aarch64/Image \
  usr/share/seedboot/images/default.toml usr/share/seedboot/kernel-config/x86_64.config \
  usr/share/man/man1/seedboot.1; do
  grep -q " \./$f\$" "$tmp/contents" || fail "the .deb has no $f"
done

# dpkg -i into a scratch root: its own database, so the machine's stays untouched.
sys=$tmp/sys
mkdir -p "$sys/var/lib/dpkg/info" "$sys/var/lib/dpkg/updates"
touch "$sys/var/lib/dpkg/status" "$sys/var/lib/dpkg/available"
scratch_dpkg() { dpkg --root="$sys" --force-not-root --force-depends --force-script-chrootless \
  --log=/dev/null "$@"; }
scratch_dpkg -i "$tmp/a.deb" >"$tmp/log" 2>&1 || fail "dpkg -i: $(cat "$tmp/log")"
mkdir "$tmp/elsewhere" && cd "$tmp/elsewhere"
"$sys/usr/bin/seedboot" boot "$sys/usr/share/seedboot/images/default.toml" --arch x86_64 \
  --out-dir run -q >"$tmp/log" 2>&1 || fail "the installed seedboot did not boot default: $(tail -5 "$tmp/log")"
grep -qxF "seedboot: PID 1 from the installation: $sys/usr/lib/seedboot/x86_64/init (static: preflight passed)" "$tmp/log" ||
  fail "the installed seedboot does not say which PID 1 it took: $(cat "$tmp/log")"
grep -q "^seedboot: default on x86_64: ok in " "$tmp/log" || fail "no ok from the installed seedboot: $(cat "$tmp/log")"
cd "$tmp"
scratch_dpkg -r seedboot >"$tmp/log" 2>&1 || fail "dpkg -r: $(cat "$tmp/log")"
left=$(find "$sys" -path "$sys/var" -prune -o -type f -print)
[ -z "$left" ] || fail "dpkg -r left files: $left"

# The embed path with a dynamic PID 1: refused, naming it, and nothing installed.
expect_error "$(command -v ls): dynamically linked" \
  env INIT_x86_64="$(command -v ls)" "$SRC/tools/install.sh" "$tmp/c" /usr "$SEEDBOOT" "$BUILD"
[ ! -e "$tmp/c" ] || fail "a refused install left files in $tmp/c"
expect_error "install.sh: PREFIX 'usr' (expected an absolute path)" \
  "$SRC/tools/install.sh" "$tmp/c" usr "$SEEDBOOT" "$BUILD"
expect_error "make-deb: $tmp/c/usr/bin/seedboot: missing (expected make install PREFIX=/usr DESTDIR=$tmp/c)" \
  "$SRC/tools/make-deb.sh" "$tmp/c" "$version" "$tmp/c.deb"
# The embed path through make: a prebuilt PID 1 is checked and named instead of built; a
# dynamic one is refused.
cp "$(init_of x86_64)" "$tmp/prebuilt"
make -s -C "$SRC" init-x86_64 BUILD="$BUILD" INIT_x86_64="$tmp/prebuilt" >"$tmp/log" 2>&1 ||
  fail "make init-x86_64 INIT_x86_64=a static PID 1: $(cat "$tmp/log")"
grep -qxF "init-x86_64: using the prebuilt PID 1 $tmp/prebuilt (INIT_x86_64), not building one" "$tmp/log" ||
  fail "make does not say it uses the prebuilt PID 1: $(cat "$tmp/log")"
expect_error "$(command -v ls): dynamically linked" \
  make -s -C "$SRC" init-x86_64 BUILD="$BUILD" INIT_x86_64="$(command -v ls)"
echo "install: ok ($(stat -c %s "$tmp/a.deb") bytes, $(wc -l <"$tmp/contents") entries)"
