#!/usr/bin/env bash
# cmake --install puts the binary, man page, completion and font notes in
# place; CPack builds a .deb whose metadata and file list are right.
set -euo pipefail
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
DESTDIR="$work/root" cmake --install "$build" --prefix /usr > /dev/null
for f in usr/bin/paperbook usr/share/man/man1/paperbook.1 usr/share/bash-completion/completions/paperbook \
         usr/share/paperbook/fonts/README.md; do
  [ -e "$work/root/$f" ] || fail "not installed: $f"
done
"$work/root/usr/bin/paperbook" --version > /dev/null || fail "installed binary does not run"
command -v dpkg-deb > /dev/null || { echo "skip: no dpkg-deb"; exit 77; }
(cd "$build" && cpack -G DEB -B "$work/pkg" > /dev/null) || fail "cpack"
deb=$(ls "$work"/pkg/*.deb | head -1)
[ -n "$deb" ] || fail "no .deb"
dpkg-deb -I "$deb" > "$work/info"
grep -q "Package: paperbook" "$work/info" || fail "package name"
for dep in libhpdf-2.3.0 libcmark0.30.2 libharfbuzz-subset0 libunibreak1 fonts-noto-cjk fonts-noto-core; do
  grep -q "Depends:.*$dep" "$work/info" || fail "Depends lacks $dep"
done
dpkg-deb -c "$deb" > "$work/files"
for f in ./usr/bin/paperbook ./usr/share/man/man1/paperbook.1 ./usr/share/bash-completion/completions/paperbook; do
  grep -q " $f$" "$work/files" || fail ".deb lacks $f"
done
# Every Depends entry names a package Debian has.
grep -q "Recommends:.*fonts-arphic-uming" "$work/info" || fail "Recommends lacks fonts-arphic-uming"
deps=$(sed -n 's/^ \(Depends\|Recommends\|Suggests\): //p' "$work/info" | tr ',' '\n' | sed 's/(.*//; s/ //g')
for d in $deps; do apt-cache show "$d" > /dev/null 2>&1 || fail "Depends names unknown package $d"; done
echo "install: files in place; $(basename "$deb"): $(stat -c %s "$deb") bytes, $(echo $deps | wc -w) dependencies"
