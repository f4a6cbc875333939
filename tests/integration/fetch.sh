#!/usr/bin/env bash
# fetch.sh: `seedboot fetch` from the command line against test-httpd on 127.0.0.1:
# --list, a fetch through a 404 mirror, a second run that requests nothing, a source
# no mirror has (exit 1 and the list), and the command's own errors. No network.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
httpd_pid=
trap '[ -z "$httpd_pid" ] || kill "$httpd_pid"; rm -rf "$tmp"' EXIT
export no_proxy='*'

mkdir -p "$tmp/www/dl"
head -c 300000 /dev/urandom > "$tmp/www/dl/one-2.5.tar.gz"
printf 'two' > "$tmp/www/dl/two.tar.xz"
"$(dirname "$SEEDBOOT")/test-httpd" "$tmp/www" > "$tmp/port" &
httpd_pid=$!
for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
url="http://127.0.0.1:$(head -1 "$tmp/port")"
sha() { sha256sum "$1" | cut -d' ' -f1; }

cat > "$tmp/package.toml" <<EOF
[package]
name = "stage9"
version = "1.0"
platforms = ["linux/386"]

[sources.one_src]
hash = "$(sha "$tmp/www/dl/one-2.5.tar.gz")"
version = "2.5"
file = "one-{version}.tar.gz"
mirrors = ["$url/missing/{file}", "$url/dl/{file}"]

[sources.two]
hash = "$(sha "$tmp/www/dl/two.tar.xz")"
file = "two.tar.xz"
mirrors = ["$url/dl/{file}"]
EOF

"$SEEDBOOT" fetch "$tmp/package.toml" --list > "$tmp/list"
grep -qxF "source one_src file one-2.5.tar.gz sha256 $(sha "$tmp/www/dl/one-2.5.tar.gz")" "$tmp/list" \
  || fail "--list: $(cat "$tmp/list")"
grep -qxF "  mirror $url/dl/one-2.5.tar.gz" "$tmp/list" || fail "--list mirrors: $(cat "$tmp/list")"
grep -qxF "arg ONE_SRC_SOURCE=one-2.5.tar.gz" "$tmp/list" || fail "--list args: $(cat "$tmp/list")"
[ ! -e "$tmp/out" ] || fail "--list fetched something"

"$SEEDBOOT" fetch "$tmp/package.toml" --into "$tmp/out" 2> "$tmp/log" || fail "fetch: $(cat "$tmp/log")"
cmp "$tmp/out/stage9/one-2.5.tar.gz" "$tmp/www/dl/one-2.5.tar.gz" || fail "one-2.5.tar.gz differs"
cmp "$tmp/out/stage9/two.tar.xz" "$tmp/www/dl/two.tar.xz" || fail "two.tar.xz differs"
grep -qF "$url/missing/one-2.5.tar.gz: HTTP 404" "$tmp/log" || fail "no 404 line: $(cat "$tmp/log")"
grep -qF "fetch: 2 sources: 0 already present, 2 fetched, 0 not fetched" "$tmp/log" || fail "$(cat "$tmp/log")"
[ "$(ls -A "$tmp/out")" = stage9 ] || fail "the fetch folder holds more than stage9/: $(ls -A "$tmp/out")"

"$SEEDBOOT" fetch "$tmp/package.toml" --into "$tmp/out" 2> "$tmp/log" || fail "second fetch: $(cat "$tmp/log")"
grep -qF "2 already present, 0 fetched" "$tmp/log" || fail "second fetch: $(cat "$tmp/log")"

# A source no mirror has: exit 1 and the list names the file and each URL.
three=$(printf three | sha256sum | cut -d' ' -f1)
cat >> "$tmp/package.toml" <<EOF

[sources.three]
hash = "$three"
file = "three.tar.xz"
mirrors = ["$url/gone/{file}", "$url/dl/two.tar.xz"]
EOF
expect_error "1 of 3 sources could not be fetched into $tmp/out:" \
  "$SEEDBOOT" fetch "$tmp/package.toml" --into "$tmp/out"
grep -qF "  stage9/three.tar.xz (sha256 $three):" "$tmp/stderr" || fail "$(cat "$tmp/stderr")"
grep -qF "    $url/gone/three.tar.xz: HTTP 404" "$tmp/stderr" || fail "$(cat "$tmp/stderr")"
grep -qF "    $url/dl/two.tar.xz: sha256 " "$tmp/stderr" || fail "$(cat "$tmp/stderr")"

# The command's own errors.
expect_error "fetch: --into DIR is required (the fetch folder)" "$SEEDBOOT" fetch "$tmp/package.toml"
expect_error "--only nope.tgz: no source of $tmp/package.toml has that file" \
  "$SEEDBOOT" fetch "$tmp/package.toml" --into "$tmp/out" --only nope.tgz
expect_error "$tmp/package.toml: package 'stage9' is named twice" \
  "$SEEDBOOT" fetch "$tmp/package.toml" "$tmp/package.toml" --into "$tmp/out"
expect_error "$tmp/none.toml: no such file (expected a StageX package.toml)" \
  "$SEEDBOOT" fetch "$tmp/none.toml" --into "$tmp/out"
printf '[package]\nname = "x"\n[sources.a]\nhash = "00"\nmirrors = ["%s/a"]\n' "$url" > "$tmp/bad.toml"
expect_error "$tmp/bad.toml:4: [sources.a] hash '00': expected 64 lower-case hex digits (sha256)" \
  "$SEEDBOOT" fetch "$tmp/bad.toml" --into "$tmp/out"
echo "fetch: ok"
