#!/usr/bin/env bash
# Benchmark matrix of issue 23 ("Performance"), one command, every server side by side in one run: ours, nginx
# (1 worker, sendfile on, access_log off) and the JDK's jwebserver, each on SERVER_CPU (taskset), wrk -t1 and the
# clients on CLIENT_CPU. Each server is started once (ours and nginx with an HTTPS listener too, same certificate),
# warmed up with CHURN_WARMUP seconds of connection churn (1 KiB with Connection: close, 64 connections, the same for
# all three: a server in service accepts connections all the time, and without it our accept, set-up and close run
# in C1's profiling tier through the close rows), then every row is warmed up on every server (the JVM JIT-compiles),
# then ROUNDS rounds measure every row on every
# server one after the other (interleaved, so a burst of someone else's load does not land on one server only):
#   1k-ka, 64k-ka        1 KiB / 64 KiB, keep-alive, CONNECTIONS connections: requests/s and p99, all three servers
#   1k-close, 64k-close  the same with wrk -H 'Connection: close' (a new connection per request)
#   304                  1 KiB with If-None-Match: <the file's ETag, read with curl per server>: ours and nginx
#   10m                  10 MiB keep-alive, BIG_CONNECTIONS connections: server CPU seconds (utime + stime from
#                        /proc/PID/stat, nginx's worker) per GB sent: ours and nginx
#   tls-1k-ka            1 KiB keep-alive over TLS, CONNECTIONS connections: ours and nginx
# then memory: VmRSS of each server (nginx: master + worker) just after start, at rest after the rounds, and with
# IDLE_CONNECTIONS idle keep-alive connections open (the last two after a full GC in the JVMs: jcmd GC.run); a python3
# client opens them, sends one request on each, reads the answer and holds them; it reports how many the server
# still kept open when RSS was read.
# The tables (markdown, ratio columns first, by bench/web-server-matrix-table.py) hold the medians over the rounds
# and the per-round ratios' range; the server CPU per request (from /proc/PID/stat, every row) says where the cost is.
# RAW_OUT=FILE keeps the raw results (python3 bench/web-server-matrix-table.py FILE DURATION IDLE_CONNECTIONS redraws).
# Knobs (the defaults take about 6 minutes, inside one 8-minute hold of the shared bench lock; C2 has compiled the
# rows' paths after the 4 s warm-ups, 10 s for TLS's handshakes):
#   CHURN_WARMUP=5 WARMUP=4 TLS_WARMUP=10 DURATION=4 ROUNDS=3 CONNECTIONS=64 BIG_CONNECTIONS=8 IDLE_CONNECTIONS=1000
#   SERVER_CPU=0 CLIENT_CPU=1 RAW_OUT= JAVA_OPTS=... (our JVM) JAR=web-server/target/web-server.jar (libs/ beside it)
#   WRK=wrk (the closed-loop client; .netlab/tools/wrk from bench/wrk-build.sh wrk reads 64 KiB per call, and only
#   with it is a 64 KiB or 10 MiB row not bound by the client's 8 KiB reads)
#   bench/web-server-matrix.sh
# ROWS="1k-ka 1k-close" measures those rows only (the names above); MEMORY=no leaves out the memory part (about 30 s).
# For longer measurements split the matrix over two calls, e.g. ROWS="1k-ka 1k-close 64k-ka 64k-close" MEMORY=no
# DURATION=5 ROUNDS=4, then ROWS="304 10m tls-1k-ka" DURATION=5 ROUNDS=4.
# Needs what bench/web-server.sh needs plus jwebserver (in the JDK) and openssl.
set -euo pipefail

WARMUP=${WARMUP:-4}
TLS_WARMUP=${TLS_WARMUP:-10}
DURATION=${DURATION:-4}
ROUNDS=${ROUNDS:-3}
SELECTED_ROWS=${ROWS:-1k-ka 1k-close 64k-ka 64k-close 304 10m tls-1k-ka}
MEMORY=${MEMORY:-yes}
CONNECTIONS=${CONNECTIONS:-64}
BIG_CONNECTIONS=${BIG_CONNECTIONS:-8}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-1000}
RAW_OUT=${RAW_OUT:-}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
HERE=$(cd "$(dirname "$0")/.." && pwd)
BENCH="web-server matrix"
# shellcheck source=bench/web-server-lib.sh
. "$HERE/bench/web-server-lib.sh"

web_bench_setup jwebserver openssl
head -c $((10 * 1024 * 1024)) /dev/urandom > "$WORK/www/10m.bin"
chmod a+r "$WORK/www/10m.bin"
make_tls_cert
CLK_TCK=$(getconf CLK_TCK)

# cpu_ticks SERVER: utime + stime of the process doing the work (nginx: the worker), in clock ticks.
cpu_ticks() {
    local pid=${PID_OF[$1]}
    if [ "$1" = nginx ]; then pid=${PID_OF[nginx-worker]}; fi
    # Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    sed 's/^.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }'
}

# etag SERVER: the ETag the server sends for /1k.bin.
etag() {
    curl -fsI "http://127.0.0.1:${PORT[$1]}/1k.bin" | tr -d '\r' | awk 'tolower($1) == "etag:" { $1 = ""; sub(/^ /, ""); print }'
}

# rows: "row servers" (the 304 and 10m rows need ETag support and CPU accounting: ours and nginx only).
ALL_ROWS=("1k-ka ours nginx jwebserver" "1k-close ours nginx jwebserver" "64k-ka ours nginx jwebserver"
    "64k-close ours nginx jwebserver" "304 ours nginx" "10m ours nginx" "tls-1k-ka ours nginx")
ROWS=()
for spec in "${ALL_ROWS[@]}"; do
    case " $SELECTED_ROWS " in *" ${spec%% *} "*) ROWS+=("$spec") ;; esac
done
for row in $SELECTED_ROWS; do
    case " ${ALL_ROWS[*]} " in *" $row "*) ;; *) die "unknown row $row (ROWS: 1k-ka 1k-close 64k-ka 64k-close 304 10m tls-1k-ka)" ;; esac
done

# measure ROW SERVER SECONDS: "requests/s p50_ms p99_ms p99.9_ms max_ms errors bytes cpu_seconds" for one run.
measure() {
    local row=$1 name=$2 seconds=$3 size connections=$CONNECTIONS target=$2 before after result
    WRK_HEADERS=()
    SCHEME=http
    case $row in
        1k-ka) size=1k ;;
        64k-ka) size=64k ;;
        1k-close) size=1k; WRK_HEADERS=("Connection: close") ;;
        64k-close) size=64k; WRK_HEADERS=("Connection: close") ;;
        304) size=1k; WRK_HEADERS=("If-None-Match: ${ETAG[$name]}") ;;
        10m) size=10m; connections=$BIG_CONNECTIONS ;;
        tls-1k-ka) size=1k; SCHEME=https; target=$name-tls ;;
        *) die "unknown row $row" ;;
    esac
    before=$(cpu_ticks "$name")
    result=$(latency "$target" "$size" "$connections" "$seconds")
    after=$(cpu_ticks "$name")
    echo "$result $(awk -v t=$((after - before)) -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }')"
}

# ---- start, memory at start ----
set_shape pinned
PORT[ours-tls]=$(free_port); PORT[nginx-tls]=$(free_port)
start_ours
start_nginx
start_jwebserver
declare -A ETAG RSS_START
for name in ours nginx jwebserver; do RSS_START[$name]=$(rss_kib "$name"); done
for name in ours nginx; do
    ETAG[$name]=$(etag "$name")
    [ -n "${ETAG[$name]}" ] || die "$name sent no ETag for /1k.bin"
    code=$(curl -so /dev/null -w '%{http_code}' -H "If-None-Match: ${ETAG[$name]}" "http://127.0.0.1:${PORT[$name]}/1k.bin")
    [ "$code" = 304 ] || die "$name answered $code, not 304, to If-None-Match: ${ETAG[$name]}"
    echo "$name: TLS $(curl -sv -o /dev/null --cacert "$WORK/tls-cert.pem" "https://127.0.0.1:${PORT[$name-tls]}/1k.bin" 2>&1 \
        | sed -n 's/^\* SSL connection using //p'), ETag ${ETAG[$name]}" >&2
done

# ---- warm-up and rounds ----
echo "warming up: ${CHURN_WARMUP}s of churn per server, ${WARMUP}s per row and server, ${TLS_WARMUP}s for TLS ($(load_average))" >&2
for name in ours nginx jwebserver; do warm_churn "$name"; done
for spec in "${ROWS[@]}"; do
    read -r row names <<< "$spec"
    seconds=$WARMUP
    if [ "$row" = tls-1k-ka ]; then seconds=$TLS_WARMUP; fi
    for name in $names; do measure "$row" "$name" "$seconds" >/dev/null; done
done
RESULTS="$WORK/results"
: > "$RESULTS"
for round in $(seq "$ROUNDS"); do
    echo "round $round of $ROUNDS ($(load_average))" >&2
    for spec in "${ROWS[@]}"; do
        read -r row names <<< "$spec"
        for name in $names; do
            echo "$round $row $name $(measure "$row" "$name" "$DURATION")" >> "$RESULTS"
        done
    done
done

# ---- memory at rest and with idle keep-alive connections ----
declare -A RSS_REST RSS_IDLE IDLE_OPEN
memory_servers=(ours nginx jwebserver)
if [ "$MEMORY" = no ]; then memory_servers=(); fi
for name in "${memory_servers[@]}"; do
    settle "$name"
    RSS_REST[$name]=$(rss_kib "$name")
    hold_idle "$name" "$IDLE_CONNECTIONS"
    RSS_IDLE[$name]=$HELD_RSS
    IDLE_OPEN[$name]=$HELD_OPEN
    echo "$name: RSS at start ${RSS_START[$name]} KiB, at rest ${RSS_REST[$name]} KiB, with $IDLE_CONNECTIONS idle" \
        "${RSS_IDLE[$name]} KiB (${IDLE_OPEN[$name]} still open)" >&2
done
for name in "${memory_servers[@]}"; do
    echo "memory $name ${RSS_START[$name]} ${RSS_REST[$name]} ${RSS_IDLE[$name]} ${IDLE_OPEN[$name]}" >> "$RESULTS"
done
stop_servers

# ---- the table ----
echo "raw results (round row server req/s p50_ms p99_ms p99.9_ms max_ms errors bytes cpu_s):"
grep -v '^memory' "$RESULTS"
echo
python3 "$HERE/bench/web-server-matrix-table.py" "$RESULTS" "$DURATION" "$IDLE_CONNECTIONS"
if [ -n "$RAW_OUT" ]; then cp "$RESULTS" "$RAW_OUT"; fi
echo
echo "(all servers on CPU $SERVER_CPU, wrk -t1 and the idle client on CPU $CLIENT_CPU; $CONNECTIONS connections," \
    "10m: $BIG_CONNECTIONS; ${DURATION}s per measurement after ${CHURN_WARMUP}s of churn per server and ${WARMUP}s of" \
    "warm-up per row (TLS ${TLS_WARMUP}s)," \
    "$ROUNDS rounds, medians with the per-round range; $(nproc) CPUs; $(load_average))"
