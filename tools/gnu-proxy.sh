#!/usr/bin/env bash
# gnu-proxy.sh ARCH OUT: what images/gnu-proxy.toml builds from, fetched from Debian's
# archive with apt into a cache (nothing here is committed), for make gnu-proxy:
#   OUT/root/              Debian's ARCH packages of a C toolchain, unpacked with
#                          `seedboot unpack-deb` (libarchive; no maintainer script runs):
#                          it stands in for what StageX's stage 1 will have made
#   OUT/sources/NAME.tar   the original tarballs of Debian source packages: real GNU
#                          releases, each configured and built in the guest, one step each
#   OUT/sources.txt        what each NAME is: Debian source package, version, sha256
# The apt configuration is private (OUT/../apt-ARCH): the system's is not touched.
# A mirror half-way through a sync is a normal day: update is retried, and what
# matters is checked after (a package or tarball apt cannot give is named).
set -euo pipefail
arch=${1:?usage: gnu-proxy.sh ARCH OUT}
out=${2:?usage: gnu-proxy.sh ARCH OUT}
: "${SEEDBOOT:?SEEDBOOT must name the seedboot command}"
say() { echo "gnu-proxy: $*" >&2; }
die() { say "error: $*"; exit 1; }
first() { for f in "$@"; do [ -e "$f" ] && { echo "$f"; return; }; done; }

case $arch in
  i386) deb_arch=i386 ;;
  x86_64) deb_arch=amd64 ;;
  aarch64) deb_arch=arm64 ;;
  *) die "arch '$arch' (expected i386, x86_64 or aarch64)" ;;
esac
suite=${GNU_PROXY_SUITE:-bookworm}
mirror=${GNU_PROXY_MIRROR:-http://deb.debian.org/debian}
# The root: what stage 1 will have made (a C compiler, binutils, make, a shell and the
# POSIX tools a configure script runs), as Debian's packages of them.
# util-linux and less: gzip's make check runs zmore and zless, which call more and less.
root_pkgs=(gcc binutils make bash dash coreutils sed grep gawk diffutils findutils tar gzip
  bzip2 xz-utils libc6-dev m4 util-linux less)
# The packages built in the guest: NAME=Debian source package, in the spec's order. Not GNU
# make: Debian's make-dfsg tarball has no generated configure (it is rebuilt by autoreconf).
sources=(hello=hello binutils=binutils m4=m4 sed=sed patch=patch gzip=gzip diffutils=diffutils
  bison=bison gmp=gmp mpfr=mpfr4 mpc=mpclib3)

out=$(realpath -m "$out")
cache=$(dirname "$out")/apt-$arch
mkdir -p "$cache/lists/partial" "$cache/archives/partial" "$cache/src" "$out"
cat >"$cache/sources.list" <<EOF
deb [arch=$deb_arch] $mirror $suite main
deb-src $mirror $suite main
EOF
: >"$cache/status" # nothing installed: apt resolves the whole closure
apt_opts=(-o Dir::Etc::SourceList="$cache/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o Dir::State::Lists="$cache/lists" -o Dir::State::status="$cache/status"
  -o Dir::Cache="$cache" -o Dir::Cache::archives="$cache/archives"
  -o APT::Architecture="$deb_arch" -o APT::Architectures::="$deb_arch"
  -o Debug::NoLocking=1 -o APT::Sandbox::User=root)

. "$(dirname "$0")/apt-update.sh"
apt_update "$cache/update.log" "${apt_opts[@]}"

say "$arch: the root's packages and their dependencies (Debian $suite, $deb_arch)"
apt-get "${apt_opts[@]}" install -d -y -q --no-install-recommends "${root_pkgs[@]}" \
  >"$cache/install.log" 2>&1 || { tail -20 "$cache/install.log" >&2; die "apt cannot give the root's packages (above)"; }
# Exactly the closure this run resolved, in a fixed order: the cache may hold older ones.
debs=()
while read -r pkg ver; do
  f=$(first "$cache/archives/${pkg}_${ver//:/%3a}_"*.deb)
  [ -n "$f" ] || die "the package $pkg $ver is not in $cache/archives after download"
  debs+=("$f")
done < <(apt-get "${apt_opts[@]}" install -s -y --no-install-recommends "${root_pkgs[@]}" 2>/dev/null |
  awk '/^Inst / { v = $3; gsub(/[()]/, "", v); print $2, v }' | sed 's/:[a-z0-9]* / /' | sort)
rm -rf "$out/root"
"$SEEDBOOT" unpack-deb -o "$out/root" "${debs[@]}" >/dev/null
# What dpkg's maintainer scripts and update-alternatives would have made that builds use.
[ -e "$out/root/bin/sh" ] || ln -s dash "$out/root/bin/sh"
# gawk's postinst makes awk through update-alternatives; test suites run `awk` (gzip's
# zgrep-context fails its set-up without it).
[ -e "$out/root/usr/bin/awk" ] || ln -s gawk "$out/root/usr/bin/awk"
say "$arch: root of ${#debs[@]} packages, $(du -sm "$out/root" | cut -f1) MiB"

say "the source packages' original tarballs"
: >"$out/sources.txt.new"
for s in "${sources[@]}"; do
  name=${s%%=*} pkg=${s#*=}
  (cd "$cache/src" && apt-get "${apt_opts[@]}" source -d -q --only-source "$pkg" >"$cache/source-$pkg.log" 2>&1) ||
    { tail -5 "$cache/source-$pkg.log" >&2; die "apt cannot give the source package $pkg"; }
  ver=$(apt-cache "${apt_opts[@]}" showsrc --only-source "$pkg" | awk '/^Version:/ && !v { v = $2 } END { print v }')
  upstream=${ver#*:}
  upstream=${upstream%-*}
  orig=$(first "$cache/src/${pkg}_${upstream}.orig.tar."{gz,xz,bz2})
  [ -n "$orig" ] || die "no original tarball of $pkg $ver in $cache/src"
  mkdir -p "$out/sources"
  cp "$orig" "$out/sources/$name.tar"
  echo "$name $pkg $ver $(basename "$orig") $(sha256sum "$orig" | cut -d' ' -f1)" >>"$out/sources.txt.new"
done
mv "$out/sources.txt.new" "$out/sources.txt"
say "$arch: ${#sources[@]} source tarballs in $out/sources ($(du -sm "$out/sources" | cut -f1) MiB)"
