#!/usr/bin/env bash
# A/B benchmark: two or more builds of our web-server and nginx (1 worker, sendfile on, access_log off) side by
# side in one run, each server on SERVER_CPU (taskset), wrk -t1 on CLIENT_CPU (SHAPE=pinned, the default; SHAPE=unpinned:
# no taskset and wrk -t2, both cores shared as in bench/web-server.sh's unpinned shape), 64 keep-alive connections, rows:
#   1k, 64k  the 1 KiB / 64 KiB file;  304  the 1 KiB file with If-None-Match: <that server's ETag> (a revalidation);
#   1k-close, 64k-close  the same files with Connection: close (a new connection per answer; ROWS="1k-close 64k-close");
#   tls  the 1 KiB file over TLS (every server with its TLS listener, one openssl-made EC P-256 certificate; needs
#   openssl); a row ROW:N takes N connections instead of CONNECTIONS (ROWS="tls 1k:1000").
# The drains column sums our scheduler watch's debug lines over the measurement (builds that have them): drains,
# the longest in ms, how many held their leavers past the 50 ms hold, how many the fallback ended, and their time
# together in ms (0 from builds whose line lacks it). LOGS=DIR keeps each build's log (bN.log) there.
# Every server is first warmed up with CHURN_WARMUP=5 seconds of connection churn (1 KiB with Connection: close, 64
# connections: the accept, set-up and close paths compiled as in a server in service; 0 leaves it out), then every
# row is warmed up on every server, then ROUNDS rounds measure every row on every server one after the other
# (interleaved). CPU/req is the server's utime + stime over the measurement (/proc/PID/stat; nginx: its worker)
# divided by the answers. Each build is a directory holding web-server.jar and its libs/ (copy them out of
# web-server/target before changing the code; a file java-opts beside them adds JVM options for that build alone, so one
# jar can run as two builds with different flags), for example:
#   BUILDS="/tmp/before /tmp/after" WARMUP=8 DURATION=5 ROUNDS=4 bench/web-server-ab.sh
# WRK=PATH: the client (default wrk; bench/wrk-build.sh wrk builds one that reads 64 KiB per call, see web-server.sh).
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
SHAPE=${SHAPE:-pinned}
case $SHAPE in pinned | unpinned) ;; *) echo "SHAPE: pinned or unpinned, not $SHAPE" >&2; exit 2 ;; esac
HERE=$(cd "$(dirname "$0")/.." && pwd)
BENCH="web-server ab"
# shellcheck source=bench/web-server-lib.sh
. "$HERE/bench/web-server-lib.sh"

for build in $BUILDS; do [ -f "$build/web-server.jar" ] || die "no web-server.jar in $build"; done
tls=()
case " $ROWS " in *" tls "* | *" tls:"*) tls=(openssl) ;; esac
web_bench_setup "${tls[@]}"
if [ ${#tls[@]} -gt 0 ]; then make_tls_cert; fi
# The scheduler watch's debug line (one a second while it drains) in each build's own log.
watch_debug_logging
set_shape "$SHAPE"
echo "# shape: $SHAPE" >&2
names=()
i=0
for build in $BUILDS; do
    i=$((i + 1))
    if [ ${#tls[@]} -gt 0 ]; then PORT[ours-tls]=$(free_port); fi
    build_opts=""
    if [ -f "$build/java-opts" ]; then build_opts=$(cat "$build/java-opts"); fi
    JAVA_OPTS="$JAVA_OPTS $build_opts" JAR="$build/web-server.jar" OURS_LOG="$WORK/b$i.log" start_ours
    PORT[b$i]=${PORT[ours]}; PID_OF[b$i]=${PID_OF[ours]}; PORT[b$i-tls]=${PORT[ours-tls]:-}; names+=("b$i")
    echo "b$i: $build${build_opts:+ ($build_opts)}" >&2
done
if [ ${#tls[@]} -gt 0 ]; then PORT[nginx-tls]=$(free_port); fi
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
    local file=1k row=${2%%:*} connections=$CONNECTIONS
    if [ "$row" != "$2" ]; then connections=${2#*:}; fi
    WRK_HEADERS=()
    case $row in 64k*) file=64k ;; esac
    case $row in *-close) WRK_HEADERS=("Connection: close") ;; esac
    if [ "$row" = 304 ]; then WRK_HEADERS=("If-None-Match: ${ETAG[$1]}"); fi
    if [ "$row" = tls ]; then
        SCHEME=https latency "$1-tls" "$file" "$connections" "$3"
    else
        latency "$1" "$file" "$connections" "$3"
    fi
}

# drains NAME: DRAINS is "drains/longest_ms/past_hold/fallbacks/in_drains_ms" from the watch's debug lines NAME logged since the last call,
# or "-" (not in a subshell: it keeps its place in each log).
declare -A LOG_LINES
drains() {
    local log="$WORK/$1.log" seen=${LOG_LINES[$1]:-0} total
    DRAINS=-
    if [ ! -f "$log" ]; then return; fi
    total=$(wc -l < "$log")
    LOG_LINES[$1]=$total
    if [ -n "${LOGS:-}" ]; then mkdir -p "$LOGS" && cp "$log" "$LOGS/"; fi
    DRAINS=$(tail -n +"$((seen + 1))" "$log" | head -n "$((total - seen))" | awk '
        /scheduler drains in/ { sub(/.*scheduler drains in [0-9.]+ s: /, ""); gsub(/,/, ""); n += $1; h += $8
            f += $13; t += $20; if ($3 > longest) longest = $3; lines++ }
        END { if (lines) printf "%d/%.1f/%d/%d/%.0f\n", n, longest, h, f, t; else print "-" }')
}

for name in "${names[@]}"; do warm_churn "$name"; done
for row in $ROWS; do for name in "${names[@]}"; do measure "$name" "$row" "$WARMUP" >/dev/null; done; done
for name in "${names[@]}"; do drains "$name"; done
ticks=$(getconf CLK_TCK)
printf '%-6s %-7s %-6s %9s %8s %8s %8s %8s %8s %s\n' round row server req/s p50_ms p99_ms p99.9_ms max_ms cpu_us \
    drains/longest_ms/past_hold/fallbacks/in_drains_ms
for round in $(seq "$ROUNDS"); do
    echo "# round $round ($(load_average))"
    for row in $ROWS; do for name in "${names[@]}"; do
        echo "# $(date -u +%T.%N) $name $row measuring" >> "$WORK/$name.log"
        before=$(cpu_ticks "${PID_OF[$name]}")
        read -r rps p50 p99 p999 max errors _ <<< "$(measure "$name" "$row" "$DURATION")"
        after=$(cpu_ticks "${PID_OF[$name]}")
        [ "$errors" = 0 ] || echo "# $name $row: $errors errors"
        # The watch reports a period's drains once it goes idle, 50 ms after the load.
        sleep 0.2
        echo "# $(date -u +%T.%N) $name $row measured" >> "$WORK/$name.log"
        drains "$name"
        printf '%-6s %-7s %-6s %9s %8s %8s %8s %8s %8.1f %s\n' "$round" "$row" "$name" "$rps" "$p50" "$p99" "$p999" \
            "$max" "$(echo "($after - $before) * 1000000 / $ticks / ($rps * $DURATION)" | bc -l)" "$DRAINS"
    done; done
done
# What each of our servers holds after the rounds, without a collection first: what a container's memory limit must
# allow under this load.
for name in "${names[@]}"; do
    if [ "$name" != nginx ]; then echo "# $name RSS after the rounds: $(($(rss_kib "$name") / 1024)) MiB"; fi
done
