#!/usr/bin/env bash
# Benchmark: Netlab's web-server against nginx (1 worker, sendfile on, access_log off) at saturation, keep-alive:
# a 1 KiB and a 64 KiB file at 64 connections and the 1 KiB file at 1,000 connections, in two shapes:
#   pinned:   each server on core 0 with taskset (a container with a CPU limit of 1), wrk -t1 on core 1;
#   unpinned: no taskset for anyone, wrk -t2.
# Per shape both servers are started, warmed up (the JVM JIT-compiles: first CHURN_WARMUP=5 seconds of connection
# churn, 1 KiB with Connection: close, so the accept, set-up and close paths are compiled as in a server in service
# before the 1,000-connection row; then each row), then ROUNDS rounds each measure every row
# on both servers one after the other (interleaved, so a burst of someone else's load does not land on one server
# only). Each measurement is a wrk run (p50, p99, p99.9 and max from wrk's own histogram, --timeout 30s so a starved
# request is counted, not dropped) followed by a KeepAliveLoad run (our closed-loop client, the same connections
# and duration) for the fairness spread: the fewest and most answers any one connection got. Loopback only;
# bounded in time:
#   WARMUP=10 DURATION=5 ROUNDS=5 SHAPES="pinned unpinned" bench/web-server.sh
# JAVA_OPTS is passed to our server's JVM (to try scheduler settings such as -Djdk.pollerMode=1).
# LOGS=DIR keeps our server's log of each shape there (ours-SHAPE.log), with the scheduler watch's debug lines and a
# timestamped "# measuring"/"# measured" line around each of its measurements, so a long answer can be read against
# what the server did in that second (drains, their leavers, warnings).
# WRK=PATH names the closed-loop client (default: wrk from PATH). Debian's wrk reads 8 KiB per call, which makes it the
# bound of the 64 KiB row for both servers; the issue-18 tables use WRK=.netlab/tools/wrk (bench/wrk-build.sh wrk: the
# same wrk reading 64 KiB per call) and a wrk2 built the same way.
# Needs: a JDK >= 21 (found by ./netlab jdk), the Maven wrapper (to build the jar if missing), nginx, wrk, taskset,
# curl, python3 (to pick free ports). Set WITH_JWEBSERVER=1 to add the JDK's jwebserver (requests/s only).
# Set WITH_TLS=1 to add the TLS row after the matrix (1 KiB, keep-alive, TLS_CONNECTIONS=64, TLS_SHAPE=pinned):
# ours against nginx with the same openssl-made EC P-256 certificate; needs openssl. SHAPES="" runs that row alone.
# Set WRK2=PATH (a wrk2 binary; bench/wrk-build.sh wrk2 builds one, Debian has none) to add an open-loop measurement to
# every row of every round: ours and nginx at one fixed rate, OPEN_SHARE (0.8) times the median of nginx's
# closed-loop requests/s in that row over the rounds so far (open_rate says why), with wrk2's latency corrected for
# coordinated omission (each request timed from when it was due, so a stall counts against every request it held
# back). wrk2 calibrates for its first 10 s plus 5 ms per connection of a thread, unmeasured, so each open-loop run
# lasts that plus DURATION. With WRK2 the p99 goal is judged on the open-loop p99 (both servers under the same load
# and the client equally busy; in the closed loop the faster server's client is the busier one on the same CPUs), and
# the closed-loop p99 ratio is printed beside it.
# Issue 23's whole matrix (keep-alive and close rows, 304, 10 MiB CPU per GB, RSS with idle connections, TLS, with
# jwebserver) is bench/web-server-matrix.sh; both source bench/web-server-lib.sh.
set -euo pipefail

WARMUP=${WARMUP:-10}
DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-5}
SHAPES=${SHAPES-pinned unpinned}
WITH_JWEBSERVER=${WITH_JWEBSERVER:-0}
WITH_TLS=${WITH_TLS:-0}
TLS_SHAPE=${TLS_SHAPE:-pinned}
TLS_CONNECTIONS=${TLS_CONNECTIONS:-64}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
# size:connections
ROWS=${ROWS:-1k:64 64k:64 1k:1000}
WRK2=${WRK2:-}
OPEN_SHARE=${OPEN_SHARE:-0.8}
HERE=$(cd "$(dirname "$0")/.." && pwd)
BENCH="web-server bench"
LOAD_CLIENT="$HERE/web-server/src/test/java/dev/netlab/webserver/load/KeepAliveLoad.java"
# shellcheck source=bench/web-server-lib.sh
. "$HERE/bench/web-server-lib.sh"

tools=()
if [ "$WITH_JWEBSERVER" = 1 ]; then tools+=(jwebserver); fi
if [ "$WITH_TLS" = 1 ]; then tools+=(openssl); fi
web_bench_setup "${tools[@]}"
LOGS=${LOGS:-}
if [ -n "$LOGS" ]; then mkdir -p "$LOGS" || die "cannot create LOGS=$LOGS"; watch_debug_logging; fi
if [ -n "$WRK2" ]; then [ -x "$WRK2" ] || die "WRK2=$WRK2 is not an executable (bench/wrk-build.sh wrk2 builds one)"; fi

# The load client is compiled once (a source-file launch would compile it again for every run).
"$JDK/bin/javac" -d "$WORK/load" "$LOAD_CLIENT" || die "cannot compile $LOAD_CLIENT"

# start_servers SHAPE: starts ours, nginx (and jwebserver) with the shape's CPU placement.
start_servers() {
    set_shape "$1"
    start_ours
    start_nginx
    if [ "$WITH_JWEBSERVER" = 1 ]; then start_jwebserver; fi
}

# mark SERVER TEXT: with LOGS, a timestamped line in our server's log (the others' logs are not kept).
mark() {
    if [ -n "$LOGS" ] && [ "$1" = ours ]; then echo "# $(date -u +%T.%N) $2" >> "$WORK/ours.log"; fi
}

# fairness SERVER SIZE CONNECTIONS SECONDS: "fewest most" answers per connection over one KeepAliveLoad run.
fairness() {
    local port=${PORT[$1]} out
    out=$("${CLIENT_PREFIX[@]}" "$JDK/bin/java" -cp "$WORK/load" dev.netlab.webserver.load.KeepAliveLoad \
        --port "$port" --path "/$2.bin" --connections "$3" --duration "${4}s")
    echo "$out" | tr ' ' '\n' | awk -F= '$1 == "fewest" { f = $2 } $1 == "most" { m = $2 } END { print f, m }'
}

# open_latency SERVER SIZE CONNECTIONS RATE: latency's figures from wrk2 at RATE requests/s, DURATION seconds measured
# after its calibration (10 s plus 5 ms per connection of a thread, unmeasured; one second of margin).
open_latency() {
    WRK=$WRK2 WRK_RATE=$4 latency "$1" "$2" "$3" "$((10 + $3 * 5 / 1000 / WRK_THREADS + 1 + DURATION))"
}

servers() {
    echo ours nginx
    if [ "$WITH_JWEBSERVER" = 1 ]; then echo jwebserver; fi
}

RESULTS="$WORK/results"
# open_rate SHAPE SIZE CONNECTIONS: OPEN_SHARE times the median of nginx's closed-loop requests/s in this shape and row
# over the rounds so far. One round's own figure let a fast minute (nginx at 1.3-1.7x its other rounds) set a rate the
# host did not sustain in the next one: both servers fell behind (p50 in the hundreds of ms), which measures the
# queue, not the tail.
open_rate() {
    awk -v k="$1 $2 $3 nginx" '$1 " " $3 " " $4 " " $5 == k { print $6 }' "$RESULTS" | sort -n |
        awk -v f="$OPEN_SHARE" '{ v[NR] = $1 }
            END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%d", m * f }'
}
OPEN_RESULTS="$WORK/open-results"
: > "$RESULTS"
: > "$OPEN_RESULTS"
for shape in $SHAPES; do
    echo "$shape: starting the servers, warming up ${CHURN_WARMUP}s of churn per server, ${WARMUP}s per row..." >&2
    start_servers "$shape"
    for name in $(servers); do warm_churn "$name"; done
    for row in $ROWS; do
        for name in $(servers); do latency "$name" "${row%:*}" "${row#*:}" "$WARMUP" >/dev/null; done
    done
    for round in $(seq "$ROUNDS"); do
        echo "$shape: round $round of $ROUNDS ($(load_average))" >&2
        for row in $ROWS; do
            size=${row%:*} connections=${row#*:}
            for name in $(servers); do
                mark "$name" "$shape $round $size x $connections closed loop: measuring"
                read -r rps p50 p99 p999 max errors _ <<< "$(latency "$name" "$size" "$connections" "$DURATION")"
                mark "$name" "measured"
                fewest=- most=-
                if [ "$name" != jwebserver ]; then
                    read -r fewest most <<< "$(fairness "$name" "$size" "$connections" "$DURATION")"
                fi
                echo "$shape $round $size $connections $name $rps $p50 $p99 $p999 $max $errors $fewest $most" >> "$RESULTS"
            done
            if [ -n "$WRK2" ]; then
                rate=$(open_rate "$shape" "$size" "$connections")
                for name in ours nginx; do
                    mark "$name" "$shape $round $size x $connections open loop at $rate/s: measuring"
                    echo "$shape $round $size $connections $name $rate $(open_latency "$name" "$size" "$connections" "$rate")" \
                        >> "$OPEN_RESULTS"
                    mark "$name" "measured"
                done
            fi
        done
    done
    stop_servers
    if [ -n "$LOGS" ]; then cp "$WORK/ours.log" "$LOGS/ours-$shape.log" && : > "$WORK/ours.log"; fi
done

printf '%-8s %5s %4s %5s %-10s %9s %8s %8s %8s %9s %6s %7s\n' \
    shape round size conns server req/s p50_ms p99_ms p99.9_ms max_ms errors fewest/most
awk '{ printf "%-8s %5s %4s %5s %-10s %9s %8s %8s %8s %9s %6s %7s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 "/" $13 }' \
    "$RESULTS"
echo
if [ -n "$WRK2" ]; then
    echo
    echo "open loop (wrk2 at ${OPEN_SHARE} x the median of nginx's closed-loop req/s in the row over the rounds so far; latency corrected for coordinated omission):"
    printf '%-8s %5s %4s %5s %-10s %9s %9s %8s %8s %8s %9s %6s\n' \
        shape round size conns server rate req/s p50_ms p99_ms p99.9_ms max_ms errors
    awk '{ printf "%-8s %5s %4s %5s %-10s %9s %9s %8s %8s %8s %9s %6s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 }' \
        "$OPEN_RESULTS"
fi
echo
if [ -n "$WRK2" ]; then
    echo "ours against nginx, per round (goals: req/s >= 1.0x, open-loop p99 <= 2x nginx's, max < 100 ms in both loops," \
        "most/fewest <= 2):"
else
    echo "ours against nginx, per round (goals: req/s >= 1.0x, p99 <= 2x nginx's, max < 100 ms, most/fewest <= 2):"
fi
printf '%-8s %5s %4s %5s %8s %12s %12s %10s %12s %6s\n' shape round size conns 'req/s' 'p99 ratio' 'open p99' 'max_ms' \
    'most/fewest' goals
awk -v open="${WRK2:+1}" '
    FILENAME == ARGV[1] && $5 == "ours" { k = $1 " " $2 " " $3 " " $4; op99[k] = $9; omax[k] = $11; next }
    FILENAME == ARGV[1] && $5 == "nginx" { k = $1 " " $2 " " $3 " " $4; onp99[k] = $9; next }
    $5 == "ours" { key = $1 " " $2 " " $3 " " $4; rps[key] = $6; p99[key] = $8; max[key] = $10; spread[key] = ($12 > 0) ? $13 / $12 : 1e9 }
    $5 == "nginx" { key = $1 " " $2 " " $3 " " $4; nrps[key] = $6; np99[key] = $8; order[++n] = key }
    END {
        for (i = 1; i <= n; i++) {
            k = order[i]; split(k, f, " ")
            r = rps[k] / nrps[k]; p = (np99[k] > 0) ? p99[k] / np99[k] : 1e9
            m = max[k]; judged = p; shown = "-"
            if (open) {
                judged = (onp99[k] > 0) ? op99[k] / onp99[k] : 1e9; shown = sprintf("%.2fx", judged)
                if (omax[k] > m) m = omax[k]
            }
            met = (r >= 1.0 && judged <= 2.0 && m < 100 && spread[k] <= 2) ? "met" : "missed"
            printf "%-8s %5s %4s %5s %7.2fx %11.2fx %12s %10.1f %12.2f %6s\n", f[1], f[2], f[3], f[4], r, p, shown, m, spread[k], met
        }
    }' "$OPEN_RESULTS" "$RESULTS"
echo "(pinned: servers on CPU $SERVER_CPU, wrk -t1 and the load client on CPU $CLIENT_CPU; unpinned: no taskset, wrk -t2;" \
    "keep-alive, ${DURATION}s per measurement after ${CHURN_WARMUP}s of churn per server and ${WARMUP}s of warm-up per row;" \
    "$(nproc) CPUs)"

# ---- TLS row (WITH_TLS=1): ours and nginx serving HTTPS with one certificate, keep-alive, 1 KiB ----
if [ "$WITH_TLS" = 1 ]; then
    make_tls_cert
    set_shape "$TLS_SHAPE"
    PORT[ours-tls]=$(free_port); PORT[nginx-tls]=$(free_port)
    start_ours; start_nginx
    echo
    for name in ours nginx; do
        # What was negotiated, so the row compares like with like.
        echo "$name: $(curl -sv -o /dev/null --cacert "$WORK/tls-cert.pem" "https://127.0.0.1:${PORT[$name-tls]}/1k.bin" 2>&1 \
            | sed -n 's/^\* SSL connection using //p')"
    done
    echo "TLS: warming up ${WARMUP}s per server..." >&2
    for name in ours nginx; do SCHEME=https latency "$name-tls" 1k "$TLS_CONNECTIONS" "$WARMUP" >/dev/null; done
    : > "$WORK/tls-results"
    for round in $(seq "$ROUNDS"); do
        echo "TLS: round $round of $ROUNDS ($(load_average))" >&2
        for name in ours nginx; do
            read -r rps p50 p99 p999 max errors _ <<< "$(SCHEME=https latency "$name-tls" 1k "$TLS_CONNECTIONS" "$DURATION")"
            echo "$round $name $rps $p50 $p99 $p999 $max $errors" >> "$WORK/tls-results"
        done
    done
    stop_servers
    echo "TLS 1 KiB keep-alive, $TLS_CONNECTIONS connections, $TLS_SHAPE (goal: req/s >= 0.7x nginx):"
    printf '%5s %-6s %9s %8s %8s %8s %9s %6s\n' round server req/s p50_ms p99_ms p99.9_ms max_ms errors
    awk '{ printf "%5s %-6s %9s %8s %8s %8s %9s %6s\n", $1, $2, $3, $4, $5, $6, $7, $8 }' "$WORK/tls-results"
    awk '$2 == "ours" { r[$1] = $3; p[$1] = $5 } $2 == "nginx" { nr[$1] = $3; np[$1] = $5 }
        END { for (k in r) printf "round %s: ours/nginx req/s %.2fx, p99 %.2fx\n", k, r[k] / nr[k], (np[k] > 0) ? p[k] / np[k] : 0 }' \
        "$WORK/tls-results"
fi
