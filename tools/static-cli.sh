#!/usr/bin/env bash
# static-cli.sh SRC OUT: the release's static `seedboot` CLI for this machine's arch,
# OUT/seedboot-ARCH (make static-cli; make dist ships it beside the PID 1s and kernels).
#
# Every library is Debian's own static one (.a), except libcurl: Debian's libcurl.a needs
# GSSAPI, LDAP, nghttp2, RTMP, libssh2 and libpsl, which Debian ships only as shared
# libraries. So libcurl is built here from Debian's curl source package, without those:
# HTTP and HTTPS (OpenSSL), zlib, and c-ares for name lookups, because a static glibc would
# load the host's NSS modules at run time. The source package comes through a private apt
# configuration (OUT/apt; the system's is not touched) and its version is in OUT/curl.txt.
# OUT/seedboot-ARCH.inputs lists what the CLI was linked from: that curl source and each
# Debian package whose static library went in, with its version.
# A mirror half-way through a sync is a normal day: update is retried.
set -euo pipefail
src=$(realpath "${1:?usage: static-cli.sh SRC OUT}")
out=$(realpath -m "${2:?usage: static-cli.sh SRC OUT}")
jobs=${JOBS:-$(nproc)}
say() { echo "static-cli: $*" >&2; }
die() { say "error: $*"; exit 1; }

case $(uname -m) in
  x86_64) arch=x86_64 ;;
  aarch64) arch=aarch64 ;;
  *) die "this machine is $(uname -m); the static CLI is built for x86_64 or aarch64" ;;
esac
apt=$out/apt
mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$out/curl-src"
echo "deb-src ${STATIC_CLI_MIRROR:-http://deb.debian.org/debian} ${STATIC_CLI_SUITE:-bookworm} main" \
  >"$apt/sources.list"
apt_opts=(-o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt" -o Debug::NoLocking=1
  -o APT::Sandbox::User=root)
. "$(dirname "$0")/apt-update.sh"
apt_update "$apt/update.log" "${apt_opts[@]}"
ver=$(apt-cache "${apt_opts[@]}" showsrc --only-source curl | awk '/^Version:/ && !v { v = $2 } END { print v }')
[ -n "$ver" ] || die "apt knows no source package curl (see $apt/update.log)"

# libcurl, built once per source version: its prefix is OUT/curl, kept between runs.
prefix=$out/curl
if [ "$(cat "$out/curl.txt" 2>/dev/null)" != "curl $ver" ] || [ ! -f "$prefix/lib/libcurl.a" ]; then
  say "libcurl from Debian's curl $ver source package"
  rm -rf "$out/curl-src" "$prefix" "$out/curl.txt"
  mkdir -p "$out/curl-src"
  (cd "$out/curl-src" && apt-get "${apt_opts[@]}" source -q --only-source "curl=$ver") \
    >"$out/curl-source.log" 2>&1 || { tail -5 "$out/curl-source.log" >&2; die "apt cannot give curl $ver's source"; }
  tree=$(find "$out/curl-src" -mindepth 1 -maxdepth 1 -type d -name 'curl-*')
  [ -n "$tree" ] && [ -x "$tree/configure" ] || die "no unpacked curl source with a configure in $out/curl-src"
  # The build folder's name must not reach the objects: the same source gives the same bytes
  # wherever it is built.
  (cd "$tree" && ./configure --prefix="$prefix" --disable-shared --enable-static \
    --with-openssl --with-zlib --enable-ares --disable-ldap --disable-ldaps --disable-rtsp \
    --disable-dict --disable-telnet --disable-tftp --disable-pop3 --disable-imap \
    --disable-smb --disable-smtp --disable-gopher --disable-mqtt --disable-manual \
    --without-libpsl --without-nghttp2 --without-libssh2 --without-librtmp --without-gssapi \
    --without-brotli --without-zstd --without-libidn2 \
    CFLAGS="-O2 -ffile-prefix-map=$tree=curl" && make -j"$jobs" -C lib &&
    make -C lib install && make -C include install && make install-pkgconfigDATA) \
    >"$out/curl-build.log" 2>&1 || { tail -20 "$out/curl-build.log" >&2; die "libcurl did not build (above; all of it in $out/curl-build.log)"; }
  echo "curl $ver" >"$out/curl.txt"
fi

say "the CLI, linked statically"
# --trace: the linker names each file it reads, for the list of inputs below.
PKG_CONFIG_PATH=$prefix/lib/pkgconfig cmake -S "$src" -B "$out/cmake" -DSEEDBOOT_STATIC_CLI=ON \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_EXE_LINKER_FLAGS=-Wl,--trace >"$out/cmake.log" 2>&1 ||
  { tail -20 "$out/cmake.log" >&2; die "cmake failed (above)"; }
rm -f "$out/cmake/bin/seedboot" # linked anew every time, so that --trace lists its inputs
cmake --build "$out/cmake" --target seedboot -j"$jobs" >"$out/build.log" 2>&1 ||
  { grep -E 'error|undefined' "$out/build.log" | head -20 >&2; die "the static CLI did not build (all of it in $out/build.log)"; }
install -m 0755 "$out/cmake/bin/seedboot" "$out/seedboot-$arch"
# The check a release makes (static, the right machine), run by the new binary itself.
"$out/seedboot-$arch" preflight --arch "$arch" "$out/seedboot-$arch" >/dev/null ||
  die "$out/seedboot-$arch failed its own preflight"
# What the CLI was linked from, for the release (make dist ships it as seedboot-ARCH.inputs):
# the curl source libcurl was built from, then each Debian package whose .a the linker read,
# with its version, or the file's sha256 if no package owns it.
inputs=$out/seedboot-$arch.inputs
archives=$(grep -E '^/.*\.a$' "$out/build.log" | xargs -r realpath | sort -u | grep -v "^$prefix/") ||
  die "the link read no static library (no --trace lines in $out/build.log)"
{
  echo "# seedboot-$arch: the static libraries it was linked from (tools/static-cli.sh)"
  echo "source curl $ver (libcurl, built from it)"
  for a in $archives; do
    if owner=$(dpkg -S "$a" 2>/dev/null); then
      pkg=${owner%%: *}
      echo "deb ${pkg%%:*} $(dpkg-query -W -f='${Version}' "$pkg")"
    else
      echo "file $a $(sha256sum <"$a" | cut -d' ' -f1)"
    fi
  done | sort -u
} >"$inputs.tmp" && mv "$inputs.tmp" "$inputs"
say "$out/seedboot-$arch: static, $(du -h "$out/seedboot-$arch" | cut -f1), libcurl from curl $ver; its inputs in $inputs ($(grep -c '^deb ' "$inputs") Debian packages)"
