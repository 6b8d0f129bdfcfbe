#!/usr/bin/env bash
# Paired A/B of two builds' CPU per answer: both servers run on SERVER_CPU at the same time, each with its own wrk -t1
# (CONNECTIONS keep-alive connections, on CLIENT_CPU), so every measurement sees the same state of the machine (this
# VM's cost per answer swings 1.5x from second to second for one build, which interleaved rounds cannot cancel).
# Prints per round each build's requests/s and CPU per answer (utime + stime from /proc/PID/stat) and B's CPU per
# answer over A's. Requests/s here are shares of one CPU, not a saturation figure: compare against nginx with
# bench/web-server-ab.sh. ROW is 1k (the 1 KiB file), 304 (the same with If-None-Match: that server's ETag), or
# 64k (the 64 KiB file), or 1k-close / 64k-close (the 1 KiB / 64 KiB file with Connection: close: a new connection
# per answer).
#   A=/tmp/before B=/tmp/after ROW=1k ROUNDS=6 bench/web-server-pair.sh
# Each build is a directory holding web-server.jar and libs/, and optionally java-opts (as for bench/web-server-ab.sh).
set -euo pipefail

A=${A:?A: the directory of the first build (web-server.jar and libs/)}
B=${B:?B: the directory of the second build}
ROW=${ROW:-1k}
ROUNDS=${ROUNDS:-6}
WARMUP=${WARMUP:-10}
DURATION=${DURATION:-5}
CONNECTIONS=${CONNECTIONS:-64}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
HERE=$(cd "$(dirname "$0")/.." && pwd)
BENCH="web-server pair"
# shellcheck source=bench/web-server-lib.sh
. "$HERE/bench/web-server-lib.sh"

case $ROW in 1k | 64k | 304 | 1k-close | 64k-close) ;; *) die "ROW must be 1k, 64k, 304, 1k-close or 64k-close" ;; esac
FILE=1k
case $ROW in 64k*) FILE=64k ;; esac
for build in "$A" "$B"; do [ -f "$build/web-server.jar" ] || die "no web-server.jar in $build"; done
# shellcheck disable=SC2119 # no tool beyond the usual ones
web_bench_setup
set_shape pinned
declare -A HEADER
for name in a b; do
    if [ "$name" = a ]; then build=$A; else build=$B; fi
    build_opts=""
    if [ -f "$build/java-opts" ]; then build_opts=$(cat "$build/java-opts"); fi
    JAVA_OPTS="${JAVA_OPTS:-} $build_opts" JAR="$build/web-server.jar" OURS_LOG="$WORK/$name.log" start_ours
    PORT[$name]=${PORT[ours]}; PID_OF[$name]=${PID_OF[ours]}
    HEADER[$name]="X-Row: 1k"
    case $ROW in *-close) HEADER[$name]="Connection: close" ;; esac
    if [ "$ROW" = 304 ]; then
        HEADER[$name]="If-None-Match: $(curl -sI "http://127.0.0.1:${PORT[$name]}/1k.bin" \
            | awk -F': ' 'tolower($1) == "etag" { print $2 }' | tr -d '\r')"
    fi
done

# both SECONDS: one wrk per server at the same time; their outputs in $WORK/wrk-a and $WORK/wrk-b.
both() {
    local name pids=()
    for name in a b; do
        "${CLIENT_PREFIX[@]}" wrk -t1 -c"$CONNECTIONS" -d"$1s" -H "${HEADER[$name]}" \
            "http://127.0.0.1:${PORT[$name]}/$FILE.bin" > "$WORK/wrk-$name" &
        pids+=($!)
    done
    wait "${pids[@]}"
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

echo "a: $A"
echo "b: $B"
echo "$(date -u) ($(load_average)), row $ROW, $CONNECTIONS connections each, ${DURATION}s rounds"
both "$WARMUP"
ticks=$(getconf CLK_TCK)
printf '%-6s %9s %9s %9s %9s %9s\n' round a_req/s a_cpu_us b_req/s b_cpu_us b/a_cpu
for round in $(seq "$ROUNDS"); do
    a0=$(cpu_ticks "${PID_OF[a]}"); b0=$(cpu_ticks "${PID_OF[b]}")
    both "$DURATION"
    a1=$(cpu_ticks "${PID_OF[a]}"); b1=$(cpu_ticks "${PID_OF[b]}")
    awk -v round="$round" -v ca=$((a1 - a0)) -v cb=$((b1 - b0)) -v ticks="$ticks" -v seconds="$DURATION" \
        -v ra="$(awk '/Requests\/sec/ { print $2 }' "$WORK/wrk-a")" \
        -v rb="$(awk '/Requests\/sec/ { print $2 }' "$WORK/wrk-b")" 'BEGIN {
        ua = ca * 1e6 / ticks / (ra * seconds); ub = cb * 1e6 / ticks / (rb * seconds)
        printf "%-6d %9.0f %9.2f %9.0f %9.2f %9.3f\n", round, ra, ua, rb, ub, ub / ua }'
done
echo "$(date -u) ($(load_average))"
