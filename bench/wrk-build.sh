#!/usr/bin/env bash
# Builds the load generators of bench/web-server*.sh from source, each reading up to RECVBUF (65536) bytes per read
# call instead of their stock 8 KiB:
#   bench/wrk-build.sh wrk  [SOURCE_DIR]   wrk (Will Glozer's), closed loop: WRK=.netlab/tools/wrk
#   bench/wrk-build.sh wrk2 [SOURCE_DIR]   wrk2 (Gil Tene's fork: a fixed rate, latency corrected for coordinated
#                                          omission), which Debian does not package: WRK2=.netlab/tools/wrk2
#   bench/wrk-build.sh wrk-split [SOURCE_DIR]  wrk with bench/wrk-split.patch: each slow answer split into the
#                                          server's part and the client's (bench/web-server-split.sh runs it)
# Why the read buffer: with 8 KiB reads a 64 KiB answer costs the client eight read calls and an ioctl each, 24-30 µs
# of its CPU per answer, so on this 2-CPU machine Debian's wrk on its one CPU bounds both servers' 64 KiB row near
# 40,000 answers/s and that row's ratio is the client's swing (bench/RESULTS.md, "A load client that reads 64 KiB").
# With SOURCE_DIR (a checkout of the variant's repository) it builds that; without, it clones the repository at the
# commit we measured with. The binary goes to .netlab/tools/VARIANT (ignored by git); the script prints its path.
# Needs: git (without SOURCE_DIR), make, gcc, unzip, and Debian's libssl-dev and zlib1g-dev (both build their bundled
# LuaJIT; OpenSSL is the system's).
set -euo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
RECVBUF=${RECVBUF:-65536}
die() { echo "wrk-build: $*" >&2; exit 1; }

VARIANT=${1:-}
case $VARIANT in
    wrk | wrk-split) URL=https://github.com/wg/wrk; COMMIT=a211dd5a7050b1f9e8a9870b95513060e72ac4a0 ;;
    wrk2) URL=https://github.com/giltene/wrk2; COMMIT=44a94c17d8e6a0bac8559b53da76848e430cb7a7 ;;
    *) die "usage: bench/wrk-build.sh wrk|wrk2|wrk-split [SOURCE_DIR]" ;;
esac
if ! [[ $RECVBUF =~ ^[0-9]+$ ]] || [ "$RECVBUF" -lt 8192 ]; then
    die "RECVBUF: a byte count of at least 8192, not $RECVBUF"
fi
OUT="$HERE/.netlab/tools/$VARIANT"

for tool in make gcc unzip; do
    command -v "$tool" >/dev/null || die "$tool not found (apt-get install build-essential unzip)"
done
for header in openssl/ssl.h zlib.h; do
    [ -f "/usr/include/$header" ] || die "/usr/include/$header not found (apt-get install libssl-dev zlib1g-dev)"
done
BUILD=$(mktemp -d "/tmp/$VARIANT-build.XXXXXX")
trap 'rm -rf "$BUILD"' EXIT
if [ $# -ge 2 ]; then
    [ -f "$2/src/wrk.c" ] || die "$2 is not a $VARIANT source tree (no src/wrk.c)"
    cp -r "$2/." "$BUILD/"
else
    command -v git >/dev/null || die "git not found (or give a source directory)"
    git clone -q "$URL" "$BUILD" || die "cannot clone $URL (or give a source directory)"
    git -C "$BUILD" checkout -q "$COMMIT" || die "commit $COMMIT not found in $URL"
fi
# Both define the connection's read buffer as RECVBUF in src/wrk.h; a tree without that line is not one we measured.
grep -q '^#define RECVBUF  8192$' "$BUILD/src/wrk.h" || die "no '#define RECVBUF  8192' in $BUILD/src/wrk.h"
sed -i "s/^#define RECVBUF  8192\$/#define RECVBUF  $RECVBUF/" "$BUILD/src/wrk.h"
if [ "$VARIANT" = wrk-split ]; then
    command -v patch >/dev/null || die "patch not found (apt-get install patch)"
    patch -s -p1 -d "$BUILD" < "$HERE/bench/wrk-split.patch" || die "bench/wrk-split.patch does not apply"
fi
# WITH_OPENSSL: wrk would otherwise build its bundled OpenSSL from a tarball; wrk2 links the system's anyway.
if ! make -C "$BUILD" -j"$(nproc)" WITH_OPENSSL=/usr >"$BUILD/build.log" 2>&1; then
    tail -20 "$BUILD/build.log" >&2
    die "make failed"
fi
mkdir -p "$(dirname "$OUT")"
cp "$BUILD/wrk" "$OUT"
echo "$OUT"
