#!/usr/bin/env bash
# A/B benchmark: two or more builds of our web-server and nginx (1 worker, sendfile on, access_log off) side by
# side in one run, each server on SERVER_CPU (taskset), wrk -t1 on CLIENT_CPU, 64 keep-alive connections, rows:
#   1k, 64k  the 1 KiB / 64 KiB file;  304  the 1 KiB file with If-None-Match: <that server's ETag> (a revalidation)
#   1k-close, 64k-close  the same files with Connection: close (a new connection per answer; ROWS="1k-close 64k-close")
# Every row is warmed up on every server, then ROUNDS rounds measure every row on every server one after the other
# (interleaved). CPU/req is the server's utime + stime over the measurement (/proc/PID/stat; nginx: its worker)
# divided by the answers. Each build is a directory holding web-server.jar and its libs/ (copy them out of
# web-server/target before changing the code), for example:
#   BUILDS="/tmp/before /tmp/after" WARMUP=8 DURATION=5 ROUNDS=4 bench/web-server-ab.sh
# Needs what bench/web-server.sh needs.
set -euo pipefail

BUILDS=${BUILDS:?BUILDS: directories holding web-server.jar and libs/}
WARMUP=${WARMUP:-8}
DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-4}
ROWS=${ROWS:-1k 64k 304}
CONNECTIONS=${CONNECTIONS:-64}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
HERE=$(cd "$(dirname "$0")/.." && pwd)
BENCH="web-server ab"
# shellcheck source=bench/web-server-lib.sh
. "$HERE/bench/web-server-lib.sh"

for build in $BUILDS; do [ -f "$build/web-server.jar" ] || die "no web-server.jar in $build"; done
# shellcheck disable=SC2119 # no optional tools needed
web_bench_setup
set_shape pinned
names=()
i=0
for build in $BUILDS; do
    i=$((i + 1))
    JAR="$build/web-server.jar" start_ours
    PORT[b$i]=${PORT[ours]}; PID_OF[b$i]=${PID_OF[ours]}; names+=("b$i")
    echo "b$i: $build" >&2
done
start_nginx
PID_OF[nginx]=${PID_OF[nginx-worker]}
names+=(nginx)
declare -A ETAG
for name in "${names[@]}"; do
    ETAG[$name]=$(curl -sI "http://127.0.0.1:${PORT[$name]}/1k.bin" | awk -F': ' 'tolower($1) == "etag" { print $2 }' | tr -d '\r')
done

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# measure NAME ROW SECONDS: what latency prints for that row.
measure() {
    local file=1k
    WRK_HEADERS=()
    case $2 in 64k*) file=64k ;; esac
    case $2 in *-close) WRK_HEADERS=("Connection: close") ;; esac
    if [ "$2" = 304 ]; then WRK_HEADERS=("If-None-Match: ${ETAG[$1]}"); fi
    latency "$1" "$file" "$CONNECTIONS" "$3"
}

for row in $ROWS; do for name in "${names[@]}"; do measure "$name" "$row" "$WARMUP" >/dev/null; done; done
ticks=$(getconf CLK_TCK)
printf '%-6s %-5s %-6s %9s %8s %8s %8s %8s %8s\n' round row server req/s p50_ms p99_ms p99.9_ms max_ms cpu_us
for round in $(seq "$ROUNDS"); do
    echo "# round $round ($(load_average))"
    for row in $ROWS; do for name in "${names[@]}"; do
        before=$(cpu_ticks "${PID_OF[$name]}")
        read -r rps p50 p99 p999 max errors _ <<< "$(measure "$name" "$row" "$DURATION")"
        after=$(cpu_ticks "${PID_OF[$name]}")
        [ "$errors" = 0 ] || echo "# $name $row: $errors errors"
        printf '%-6s %-5s %-6s %9s %8s %8s %8s %8s %8.1f\n' "$round" "$row" "$name" "$rps" "$p50" "$p99" "$p999" \
            "$max" "$(echo "($after - $before) * 1000000 / $ticks / ($rps * $DURATION)" | bc -l)"
    done; done
done
