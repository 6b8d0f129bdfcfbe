#!/usr/bin/env bash
# Diagnostic benchmark: where a slow answer waited, in the server or in the client. Runs wrk built with
# bench/wrk-split.patch (bench/wrk-build.sh wrk-split) against our web-server and nginx (1 worker, sendfile on,
# access_log off), keep-alive, alternating, in one shape (SHAPE=unpinned: no taskset, wrk -t2; pinned: servers on
# SERVER_CPU, wrk -t1 on CLIENT_CPU). Each answer that took SLOW_US (40000) microseconds or more is split by the
# kernel's receive timestamp of its bytes: the server's part (the request's write to the answer's arrival in the
# client's socket) and the client's (that arrival to wrk's read). Per run it prints requests/s, p99 and max, the slow
# answers, how many of them spent longer in the server than in the client, and each side's longest part.
#   WRK_SPLIT=.netlab/tools/wrk-split SIZE=1k CONNECTIONS=1000 ROUNDS=3 bench/web-server-split.sh
# JAR, JAVA_OPTS, WARMUP (8 s per server), DURATION (5 s) and LOGS=DIR (keeps each run's slow lines, RUN-SERVER.slow,
# and our server's log) as in bench/web-server.sh, whose library this sources.
set -euo pipefail

WARMUP=${WARMUP:-8}
DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-3}
SIZE=${SIZE:-1k}
CONNECTIONS=${CONNECTIONS:-1000}
SLOW_US=${SLOW_US:-40000}
SHAPE=${SHAPE:-unpinned}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
WRK_SPLIT=${WRK_SPLIT:-.netlab/tools/wrk-split}
HERE=$(cd "$(dirname "$0")/.." && pwd)
BENCH="web-server split"
# shellcheck source=bench/web-server-lib.sh
. "$HERE/bench/web-server-lib.sh"

case $SHAPE in pinned | unpinned) ;; *) die "SHAPE: pinned or unpinned, not $SHAPE" ;; esac
case $SIZE in 1k | 64k) ;; *) die "SIZE: 1k or 64k, not $SIZE" ;; esac
[[ $CONNECTIONS =~ ^[1-9][0-9]*$ && $ROUNDS =~ ^[1-9][0-9]*$ && $SLOW_US =~ ^[1-9][0-9]*$ ]] \
    || die "CONNECTIONS, ROUNDS and SLOW_US: positive whole numbers"
[ -x "$WRK_SPLIT" ] || die "WRK_SPLIT=$WRK_SPLIT is not an executable (bench/wrk-build.sh wrk-split builds one)"
# shellcheck disable=SC2119 # no tool beyond the usual ones
web_bench_setup
LOGS=${LOGS:-}
if [ -n "$LOGS" ]; then mkdir -p "$LOGS" || die "cannot create LOGS=$LOGS"; fi
set_shape "$SHAPE"
start_ours
start_nginx
for name in ours nginx; do
    warm_churn "$name"
    latency "$name" "$SIZE" "$CONNECTIONS" "$WARMUP" >/dev/null
done

printf '%5s %-6s %9s %8s %8s %6s %12s %14s %14s\n' round server req/s p99_ms max_ms slow server-side \
    longest_srv_ms longest_cli_ms
for round in $(seq "$ROUNDS"); do
    for name in ours nginx; do
        slow="$WORK/$round-$name.slow"
        read -r rps _ p99 _ max _ <<< "$(WRK_SLOW_US=$SLOW_US WRK=$WRK_SPLIT latency "$name" "$SIZE" "$CONNECTIONS" \
            "$DURATION" 2> "$slow")"
        # One line per slow answer: "slow port=P write=W arrival=A read=R server_us=S client_us=C".
        read -r count server_side longest_server longest_client <<< "$(awk '$1 == "slow" {
                for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
                n++; if (v["server_us"] > v["client_us"]) s++
                if (v["server_us"] > ms) ms = v["server_us"]; if (v["client_us"] > mc) mc = v["client_us"]
            } END { printf "%d %d %.1f %.1f\n", n, s, ms / 1000, mc / 1000 }' "$slow")"
        printf '%5s %-6s %9s %8s %8s %6s %12s %14s %14s\n' "$round" "$name" "$rps" "$p99" "$max" "$count" \
            "$server_side" "$longest_server" "$longest_client"
        if [ -n "$LOGS" ]; then cp "$slow" "$LOGS/"; fi
    done
done
if [ -n "$LOGS" ]; then cp "$WORK/ours.log" "$LOGS/ours.log"; fi
echo "($SHAPE, $SIZE keep-alive, $CONNECTIONS connections, ${DURATION}s per run; slow: at least ${SLOW_US} µs;" \
    "server-side: of those, the ones whose server part was the longer)"
