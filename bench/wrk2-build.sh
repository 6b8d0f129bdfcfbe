#!/usr/bin/env bash
# Builds wrk2 (Gil Tene's fork of wrk that sends at a fixed rate and corrects for coordinated omission), which Debian
# does not package, for bench/web-server.sh's open-loop measurement (WRK2=...):
#   bench/wrk2-build.sh [SOURCE_DIR]
# With SOURCE_DIR (a checkout of https://github.com/giltene/wrk2) it builds that; without, it clones the repository
# at the commit we measured with. The binary goes to .netlab/tools/wrk2 (ignored by git); the script prints its path.
# Needs: git (without SOURCE_DIR), make, gcc, and Debian's libssl-dev and zlib1g-dev (wrk2 builds its bundled LuaJIT).
set -euo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
URL=https://github.com/giltene/wrk2
COMMIT=44a94c17d8e6a0bac8559b53da76848e430cb7a7
OUT="$HERE/.netlab/tools/wrk2"
die() { echo "wrk2-build: $*" >&2; exit 1; }

for tool in make gcc; do command -v "$tool" >/dev/null || die "$tool not found (apt-get install build-essential)"; done
for header in openssl/ssl.h zlib.h; do
    [ -f "/usr/include/$header" ] || die "/usr/include/$header not found (apt-get install libssl-dev zlib1g-dev)"
done
BUILD=$(mktemp -d /tmp/wrk2-build.XXXXXX)
trap 'rm -rf "$BUILD"' EXIT
if [ $# -ge 1 ]; then
    [ -f "$1/src/wrk.c" ] || die "$1 is not a wrk2 source tree (no src/wrk.c)"
    cp -r "$1/." "$BUILD/"
else
    command -v git >/dev/null || die "git not found (or give a source directory)"
    git clone -q "$URL" "$BUILD" || die "cannot clone $URL (or give a source directory)"
    git -C "$BUILD" checkout -q "$COMMIT" || die "commit $COMMIT not found in $URL"
fi
make -C "$BUILD" -j"$(nproc)" >"$BUILD/build.log" 2>&1 || { tail -20 "$BUILD/build.log" >&2; die "make failed"; }
mkdir -p "$(dirname "$OUT")"
cp "$BUILD/wrk" "$OUT"
echo "$OUT"
