#!/usr/bin/env bash
# Benchmark matrix of issue 23 ("Performance"), one command, every server side by side in one run: ours, nginx
# (1 worker, sendfile on, access_log off) and the JDK's jwebserver, each on SERVER_CPU (taskset), wrk -t1 and the
# clients on CLIENT_CPU. Each server is started once (ours and nginx with an HTTPS listener too, same certificate),
# every row is warmed up on every server (the JVM JIT-compiles), then ROUNDS rounds measure every row on every
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
# Knobs (defaults take about 10 minutes):
#   WARMUP=5 TLS_WARMUP=15 DURATION=5 ROUNDS=4 CONNECTIONS=64 BIG_CONNECTIONS=8 IDLE_CONNECTIONS=1000
#   SERVER_CPU=0 CLIENT_CPU=1 RAW_OUT= JAVA_OPTS=... (our JVM) bench/web-server-matrix.sh
# Needs what bench/web-server.sh needs plus jwebserver (in the JDK) and openssl.
set -euo pipefail

WARMUP=${WARMUP:-5}
TLS_WARMUP=${TLS_WARMUP:-15}
DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-4}
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

# settle SERVER: a full GC in the two JVMs (jcmd GC.run), so their RSS holds what they keep, not garbage of the rounds.
settle() {
    if [ "$1" != nginx ]; then "$JDK/bin/jcmd" "${PID_OF[$1]}" GC.run >/dev/null || die "jcmd GC.run failed for $1"; fi
}

# rss_kib SERVER: resident memory of the server's processes (nginx: master and worker), KiB.
rss_kib() {
    local pids=("${PID_OF[$1]}")
    if [ "$1" = nginx ]; then pids+=("${PID_OF[nginx-worker]}"); fi
    local pid total=0 kib
    for pid in "${pids[@]}"; do
        kib=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
        total=$((total + kib))
    done
    echo "$total"
}

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
ROWS=("1k-ka ours nginx jwebserver" "1k-close ours nginx jwebserver" "64k-ka ours nginx jwebserver"
    "64k-close ours nginx jwebserver" "304 ours nginx" "10m ours nginx" "tls-1k-ka ours nginx")

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
echo "warming up: ${WARMUP}s per row and server, ${TLS_WARMUP}s for TLS ($(load_average))" >&2
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
cat > "$WORK/idle_client.py" <<'PY'
# Opens N connections to 127.0.0.1:PORT, sends one keep-alive GET on each and reads the answer, prints "ready",
# holds them until stdin closes, then prints how many the server still keeps open (connections it closed or reset
# before answering are counted as not open).
import socket, sys
port, count = int(sys.argv[1]), int(sys.argv[2])
request = b"GET /1k.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
held, refused = [], 0
for _ in range(count):
    s = socket.create_connection(("127.0.0.1", port))
    try:
        s.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                raise ConnectionError("closed before the answer")
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        while len(body) < length:
            chunk = s.recv(65536)
            if not chunk:
                raise ConnectionError("closed in the body")
            body += chunk
        held.append(s)
    except ConnectionError:
        # A server that limits idle connections (jwebserver keeps 200) closes the excess: counted, not held.
        refused += 1
        s.close()
print("ready", flush=True)
sys.stdin.read()
still_open = 0
for s in held:
    s.setblocking(False)
    try:
        still_open += s.recv(1, socket.MSG_PEEK) != b""
    except BlockingIOError:
        still_open += 1
    except ConnectionError:
        pass
print("open", still_open, "refused", refused, flush=True)
PY
declare -A RSS_REST RSS_IDLE IDLE_OPEN
for name in ours nginx jwebserver; do
    settle "$name"
    RSS_REST[$name]=$(rss_kib "$name")
    mkfifo "$WORK/idle-in"
    "${CLIENT_PREFIX[@]}" python3 "$WORK/idle_client.py" "${PORT[$name]}" "$IDLE_CONNECTIONS" \
        < "$WORK/idle-in" > "$WORK/idle-out" 2>&1 &
    client=$!
    exec 3> "$WORK/idle-in"
    deadline=$((SECONDS + 60))
    until grep -q ready "$WORK/idle-out"; do
        kill -0 "$client" 2>/dev/null || die "idle client against $name failed: $(cat "$WORK/idle-out")"
        [ $SECONDS -lt $deadline ] || die "idle client against $name not ready within 60 s"
        sleep 0.2
    done
    sleep 1
    settle "$name"
    RSS_IDLE[$name]=$(rss_kib "$name")
    exec 3>&-
    wait "$client" || die "idle client against $name failed: $(cat "$WORK/idle-out")"
    IDLE_OPEN[$name]=$(awk '$1 == "open" { print $2 }' "$WORK/idle-out")
    rm -f "$WORK/idle-in" "$WORK/idle-out"
    echo "$name: RSS at start ${RSS_START[$name]} KiB, at rest ${RSS_REST[$name]} KiB, with $IDLE_CONNECTIONS idle" \
        "${RSS_IDLE[$name]} KiB (${IDLE_OPEN[$name]} still open)" >&2
done
for name in ours nginx jwebserver; do
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
    "10m: $BIG_CONNECTIONS; ${DURATION}s per measurement after ${WARMUP}s of warm-up per row (TLS ${TLS_WARMUP}s)," \
    "$ROUNDS rounds, medians with the per-round range; $(nproc) CPUs; $(load_average))"
