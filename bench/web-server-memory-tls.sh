#!/usr/bin/env bash
# Before/after of issue 23's memory and TLS rows in one run: an earlier build of our server (BEFORE_JAR, its libs/
# beside it) and this tree's, side by side with nginx (1 worker, same certificate), each server on SERVER_CPU,
# wrk -t1 and the clients on CLIENT_CPU. Ours runs as "before" and "after" with plain `java -jar`, and as "after-small"
# with SMALL_OPTS (the launcher's heap flags).
#   memory: each server loaded with wrk (1 KiB and 64 KiB files, 64 connections, LOAD seconds each), a full GC, RSS at
#           rest; then IDLE_CONNECTIONS idle keep-alive connections held, a full GC, RSS again (per connection KiB).
#   tls:    1 KiB keep-alive over TLS, 64 connections, ROUNDS interleaved rounds of DURATION s after TLS_WARMUP.
#   BEFORE_JAR=/tmp/old/web-server.jar LOAD=5 IDLE_CONNECTIONS=1000 TLS_WARMUP=10 DURATION=5 ROUNDS=3 \
#     bench/web-server-memory-tls.sh
# Needs what bench/web-server.sh needs plus openssl.
set -euo pipefail

LOAD=${LOAD:-5}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-1000}
TLS_WARMUP=${TLS_WARMUP:-10}
DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-3}
SMALL_OPTS=${SMALL_OPTS:--XX:+UseSerialGC -Xms16m}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
HERE=$(cd "$(dirname "$0")/.." && pwd)
BENCH="web-server memory-tls"
# shellcheck source=bench/web-server-lib.sh
. "$HERE/bench/web-server-lib.sh"
[ -f "${BEFORE_JAR:-}" ] || { echo "$BENCH: BEFORE_JAR must name an earlier web-server.jar" >&2; exit 1; }

web_bench_setup openssl
make_tls_cert
AFTER_JAR=$JAR
set_shape pinned

# start_as NAME JAR OPTIONS: one of ours as NAME (PORT[NAME], PORT[NAME-tls], PID_OF[NAME]).
start_as() {
    JAR=$2 JAVA_OPTS=$3
    PORT[ours-tls]=$(free_port)
    start_ours
    PORT[$1]=${PORT[ours]} PORT[$1-tls]=${PORT[ours-tls]} PID_OF[$1]=${PID_OF[ours]}
}
start_as before "$BEFORE_JAR" ""
start_as after "$AFTER_JAR" ""
start_as after-small "$AFTER_JAR" "$SMALL_OPTS"
PORT[nginx-tls]=$(free_port)
start_nginx
SERVERS=(before after after-small nginx)

echo "memory: $LOAD s of wrk per file, then $IDLE_CONNECTIONS idle connections ($(load_average))" >&2
for name in "${SERVERS[@]}"; do
    for size in 1k 64k; do latency "$name" "$size" 64 "$LOAD" >/dev/null; done
    settle "$name"
    rest=$(rss_kib "$name")
    hold_idle "$name" "$IDLE_CONNECTIONS"
    awk -v n="$name" -v r="$rest" -v i="$HELD_RSS" -v o="$HELD_OPEN" 'BEGIN {
        printf "memory %-11s rest %7.1f MiB  idle %7.1f MiB  per connection %6.1f KiB  (%d open)\n",
            n, r / 1024, i / 1024, (i - r) / o, o }'
done

SCHEME=https
echo "tls: warming up ${TLS_WARMUP}s each ($(load_average))" >&2
for name in "${SERVERS[@]}"; do latency "$name-tls" 1k 64 "$TLS_WARMUP" >/dev/null; done
for round in $(seq "$ROUNDS"); do
    echo "tls round $round of $ROUNDS ($(load_average))" >&2
    for name in "${SERVERS[@]}"; do
        read -r rps p50 p99 _ max errors _ <<< "$(latency "$name-tls" 1k 64 "$DURATION")"
        echo "tls $round $name req/s $rps p50 $p50 ms p99 $p99 ms max $max ms errors $errors"
    done
done
echo "($(nproc) CPUs; $(load_average))"
