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
for dep in libhpdf-2.3.0 libcmark0.30.2 libharfbuzz-subset0 libunibreak1 hyphen-en-us fonts-noto-cjk fonts-noto-core \
           fonts-dejavu-core; do
  grep -q "Depends:.*$dep" "$work/info" || fail "Depends lacks $dep"
done
# Every library the installed binary links (its NEEDED entries) comes from a
# package the .deb depends on: dpkg-shlibdeps (CPACK_DEBIAN_PACKAGE_SHLIBDEPS)
# finds them; a hand-kept list had lacked gmime, json-c, libxml2,
# poppler-glib and cairo.
command -v readelf > /dev/null || fail "no readelf"
depends=$(sed -n 's/^ Depends: //p' "$work/info" | tr ',' '\n' | sed 's/(.*//; s/ //g')
needed=$(readelf -d "$work/root/usr/bin/paperbook" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
[ -n "$needed" ] || fail "readelf finds no NEEDED entry"
nlibs=0
for so in $needed; do
  # the file the loader picks, under either name a merged /usr gives it
  path=$(ldd "$work/root/usr/bin/paperbook" | sed -n "s|^[[:space:]]*$so => \\(/[^ ]*\\).*|\\1|p")
  [ -n "$path" ] || fail "the loader finds no $so"
  pkg=$( (dpkg -S "$path" || dpkg -S "${path#/usr}" || dpkg -S "/usr$path") 2>/dev/null | head -1 | cut -d: -f1)
  [ -n "$pkg" ] || fail "no installed package has $so (NEEDED by paperbook)"
  printf '%s\n' $depends | grep -qx "$pkg" || fail "Depends lacks $pkg, which has $so (NEEDED by paperbook)"
  nlibs=$((nlibs + 1))
done
# The libraries opened on first use (src/base/dynlib.h) are not NEEDED:
# their sonames are strings in the binary, and the .deb must depend on the
# packages that have them as well.
ndl=0
for so in $(strings "$work/root/usr/bin/paperbook" |
  grep -E '^lib(poppler-glib|cairo|curl)\.so\.[0-9]+$' | sort -u); do
  path=$(ldconfig -p | sed -n "s|^[[:space:]]*$so (.*) => \\(/.*\\)|\\1|p" | head -1)
  [ -n "$path" ] || fail "the loader finds no $so (opened on first use)"
  pkg=$( (dpkg -S "$path" || dpkg -S "${path#/usr}" || dpkg -S "/usr$path") 2>/dev/null | head -1 | cut -d: -f1)
  printf '%s\n' $depends | grep -qx "$pkg" || fail "Depends lacks $pkg, which has $so (opened on first use)"
  ndl=$((ndl + 1))
done
[ "$ndl" = 3 ] || fail "found $ndl of the 3 libraries opened on first use (poppler-glib, cairo, curl)"
dpkg-deb -c "$deb" > "$work/files"
for f in ./usr/bin/paperbook ./usr/share/man/man1/paperbook.1 ./usr/share/bash-completion/completions/paperbook; do
  grep -q " $f$" "$work/files" || fail ".deb lacks $f"
done
# Every Depends entry names a package Debian has.
grep -q "Recommends:.*fonts-arphic-uming" "$work/info" || fail "Recommends lacks fonts-arphic-uming"
deps=$(sed -n 's/^ \(Depends\|Recommends\|Suggests\): //p' "$work/info" | tr ',' '\n' | sed 's/(.*//; s/ //g')
for d in $deps; do apt-cache show "$d" > /dev/null 2>&1 || fail "Depends names unknown package $d"; done
echo "install: files in place; $(basename "$deb"): $(stat -c %s "$deb") bytes, $(echo $deps | wc -w) dependencies; the $nlibs NEEDED libraries all in Depends"
