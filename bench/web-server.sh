#!/usr/bin/env bash
# Benchmark: Netlab's web-server against nginx (1 worker, sendfile on, access_log off) at saturation, keep-alive:
# a 1 KiB and a 64 KiB file at 64 connections and the 1 KiB file at 1,000 connections, in two shapes:
#   pinned:   each server on core 0 with taskset (a container with a CPU limit of 1), wrk -t1 on core 1;
#   unpinned: no taskset for anyone, wrk -t2.
# Per shape both servers are started, warmed up (the JVM JIT-compiles), then ROUNDS rounds each measure every row
# on both servers one after the other (interleaved, so a burst of someone else's load does not land on one server
# only). Each measurement is a wrk run (p50, p99, p99.9 and max from wrk's own histogram, --timeout 30s so a starved
# request is counted, not dropped) followed by a KeepAliveLoad run (our closed-loop client, the same connections
# and duration) for the fairness spread: the fewest and most answers any one connection got. Loopback only;
# bounded in time:
#   WARMUP=10 DURATION=5 ROUNDS=5 SHAPES="pinned unpinned" bench/web-server.sh
# JAVA_OPTS is passed to our server's JVM (to try scheduler settings such as -Djdk.pollerMode=1).
# Needs: a JDK >= 21 (found by ./netlab jdk), the Maven wrapper (to build the jar if missing), nginx, wrk, taskset,
# curl, python3 (to pick free ports). Set WITH_JWEBSERVER=1 to add the JDK's jwebserver (requests/s only).
# Set WITH_TLS=1 to add the TLS row after the matrix (1 KiB, keep-alive, TLS_CONNECTIONS=64, TLS_SHAPE=pinned):
# ours against nginx with the same openssl-made EC P-256 certificate; needs openssl. SHAPES="" runs that row alone.
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
HERE=$(cd "$(dirname "$0")/.." && pwd)
JAR="$HERE/web-server/target/web-server.jar"
LOAD_CLIENT="$HERE/web-server/src/test/java/dev/netlab/webserver/load/KeepAliveLoad.java"

die() { echo "web-server bench: $*" >&2; exit 1; }

JDK=$("$HERE/netlab" jdk --home) || exit 1
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || die "nginx not found (apt-get install nginx)"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
command -v wrk >/dev/null || die "wrk not found (apt-get install wrk)"
for tool in taskset curl python3; do
    command -v "$tool" >/dev/null || die "$tool not found"
done
if [ "$WITH_JWEBSERVER" = 1 ]; then
    [ -x "$JDK/bin/jwebserver" ] || die "$JDK has no jwebserver"
fi
# 1,000 connections on each side of loopback, plus the JVM's own descriptors.
ulimit -n 8192 2>/dev/null || [ "$(ulimit -n)" -ge 4096 ] || die "cannot raise the open-files limit to 4096 (ulimit -n)"

if [ ! -f "$JAR" ]; then
    echo "building $JAR" >&2
    (cd "$HERE" && JAVA_HOME="$JDK" ./mvnw -B -pl web-server -am package -DskipTests >/dev/null) || die "build failed"
fi

WORK=$(mktemp -d /tmp/web-server-bench.XXXXXX)
chmod 755 "$WORK"
PIDS=()
stop_servers() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    PIDS=()
}
cleanup() {
    stop_servers
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# The load client is compiled once (a source-file launch would compile it again for every run).
"$JDK/bin/javac" -d "$WORK/load" "$LOAD_CLIENT" || die "cannot compile $LOAD_CLIENT"

mkdir -p "$WORK/www"
head -c 1024 /dev/urandom > "$WORK/www/1k.bin"
head -c 65536 /dev/urandom > "$WORK/www/64k.bin"
chmod -R a+rX "$WORK/www"

# wrk prints 50/75/90/99 % with --latency; this prints p50, p99, p99.9 and max (µs), requests and duration (µs).
cat > "$WORK/percentiles.lua" <<'LUA'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d\n", latency:percentile(50), latency:percentile(99),
    latency:percentile(99.9), latency.max, summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout))
end
LUA

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

wait_http() {
    local port=$1 deadline=$((SECONDS + 60))
    until curl -fso /dev/null "http://127.0.0.1:$port/1k.bin"; do
        [ $SECONDS -lt $deadline ] || die "server on port $port did not answer within 60 s"
        sleep 0.2
    done
}

cat > "$WORK/nginx.conf.in" <<CONF
worker_processes 1;
worker_rlimit_nofile 8192;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
    default_type application/octet-stream;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    server {
        listen 127.0.0.1:@PORT@;
        root $WORK/www;
    }
}
CONF
mkdir -p "$WORK/nginx/logs"

declare -A PORT
SERVER_PREFIX=()
CLIENT_PREFIX=()
WRK_THREADS=2

# start_servers SHAPE: starts ours, nginx (and jwebserver) with the shape's CPU placement.
start_servers() {
    if [ "$1" = pinned ]; then
        SERVER_PREFIX=(taskset -c "$SERVER_CPU")
        CLIENT_PREFIX=(taskset -c "$CLIENT_CPU")
        WRK_THREADS=1
    else
        SERVER_PREFIX=()
        CLIENT_PREFIX=()
        WRK_THREADS=2
    fi
    PORT[ours]=$(free_port)
    local java_opts
    read -r -a java_opts <<< "${JAVA_OPTS:-}"
    # nginx above keeps a connection for 1,000,000 requests: ours the same, or wrk would measure reconnects.
    ADMIN_PORT=0 WEBSERVER_LIMITS_KEEPALIVE_dash_REQUESTS=1000000 "${SERVER_PREFIX[@]}" "$JDK/bin/java" "${java_opts[@]}" -jar "$JAR" --root "$WORK/www" --port "${PORT[ours]}" \
        >"$WORK/ours.log" 2>&1 &
    PIDS+=($!)
    PORT[nginx]=$(free_port)
    sed "s/@PORT@/${PORT[nginx]}/" "$WORK/nginx.conf.in" > "$WORK/nginx/nginx.conf"
    "${SERVER_PREFIX[@]}" "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/logs/error.log" \
        >"$WORK/nginx.log" 2>&1 &
    PIDS+=($!)
    wait_http "${PORT[ours]}"; wait_http "${PORT[nginx]}"
    if [ "$WITH_JWEBSERVER" = 1 ]; then
        PORT[jwebserver]=$(free_port)
        "${SERVER_PREFIX[@]}" "$JDK/bin/jwebserver" -b 127.0.0.1 -p "${PORT[jwebserver]}" -d "$WORK/www" -o none \
            >"$WORK/jwebserver.log" 2>&1 &
        PIDS+=($!)
        wait_http "${PORT[jwebserver]}"
    fi
}

# latency SERVER SIZE CONNECTIONS SECONDS: "requests/s p50_ms p99_ms p99.9_ms max_ms errors" from one wrk run.
latency() {
    local port=${PORT[$1]} out
    out=$("${CLIENT_PREFIX[@]}" wrk -t"$WRK_THREADS" -c"$3" -d"${4}s" --timeout 30s --latency \
        -s "$WORK/percentiles.lua" "${SCHEME:-http}://127.0.0.1:$port/$2.bin")
    echo "$out" | awk '/^RESULT/ {
        printf "%.0f %.3f %.3f %.3f %.3f %d\n", $6 / ($7 / 1e6), $2 / 1000, $3 / 1000, $4 / 1000, $5 / 1000, $8 }'
}

# fairness SERVER SIZE CONNECTIONS SECONDS: "fewest most" answers per connection over one KeepAliveLoad run.
fairness() {
    local port=${PORT[$1]} out
    out=$("${CLIENT_PREFIX[@]}" "$JDK/bin/java" -cp "$WORK/load" dev.netlab.webserver.load.KeepAliveLoad \
        --port "$port" --path "/$2.bin" --connections "$3" --duration "${4}s")
    echo "$out" | tr ' ' '\n' | awk -F= '$1 == "fewest" { f = $2 } $1 == "most" { m = $2 } END { print f, m }'
}

servers() {
    echo ours nginx
    if [ "$WITH_JWEBSERVER" = 1 ]; then echo jwebserver; fi
}

RESULTS="$WORK/results"
: > "$RESULTS"
for shape in $SHAPES; do
    echo "$shape: starting the servers, warming up ${WARMUP}s per row..." >&2
    start_servers "$shape"
    for row in $ROWS; do
        for name in $(servers); do latency "$name" "${row%:*}" "${row#*:}" "$WARMUP" >/dev/null; done
    done
    for round in $(seq "$ROUNDS"); do
        echo "$shape: round $round of $ROUNDS ($(uptime | sed 's/.*load average/load average/'))" >&2
        for row in $ROWS; do
            size=${row%:*} connections=${row#*:}
            for name in $(servers); do
                read -r rps p50 p99 p999 max errors <<< "$(latency "$name" "$size" "$connections" "$DURATION")"
                fewest=- most=-
                if [ "$name" != jwebserver ]; then
                    read -r fewest most <<< "$(fairness "$name" "$size" "$connections" "$DURATION")"
                fi
                echo "$shape $round $size $connections $name $rps $p50 $p99 $p999 $max $errors $fewest $most" >> "$RESULTS"
            done
        done
    done
    stop_servers
done

printf '%-8s %5s %4s %5s %-10s %9s %8s %8s %8s %9s %6s %7s\n' \
    shape round size conns server req/s p50_ms p99_ms p99.9_ms max_ms errors fewest/most
awk '{ printf "%-8s %5s %4s %5s %-10s %9s %8s %8s %8s %9s %6s %7s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 "/" $13 }' \
    "$RESULTS"
echo
echo "ours against nginx, per round (goals: req/s >= 1.0x, p99 <= 2x nginx's, max < 100 ms, most/fewest <= 2):"
printf '%-8s %5s %4s %5s %8s %12s %10s %12s %6s\n' shape round size conns 'req/s' 'p99 ratio' 'max_ms' 'most/fewest' goals
awk '
    $5 == "ours" { key = $1 " " $2 " " $3 " " $4; rps[key] = $6; p99[key] = $8; max[key] = $10; spread[key] = ($12 > 0) ? $13 / $12 : 1e9 }
    $5 == "nginx" { key = $1 " " $2 " " $3 " " $4; nrps[key] = $6; np99[key] = $8; order[++n] = key }
    END {
        for (i = 1; i <= n; i++) {
            k = order[i]; split(k, f, " ")
            r = rps[k] / nrps[k]; p = (np99[k] > 0) ? p99[k] / np99[k] : 1e9
            met = (r >= 1.0 && p <= 2.0 && max[k] < 100 && spread[k] <= 2) ? "met" : "missed"
            printf "%-8s %5s %4s %5s %7.2fx %11.2fx %10.1f %12.2f %6s\n", f[1], f[2], f[3], f[4], r, p, max[k], spread[k], met
        }
    }' "$RESULTS"
echo "(pinned: servers on CPU $SERVER_CPU, wrk -t1 and the load client on CPU $CLIENT_CPU; unpinned: no taskset, wrk -t2;" \
    "keep-alive, ${DURATION}s per measurement after ${WARMUP}s of warm-up per row; $(nproc) CPUs)"

# ---- TLS row (WITH_TLS=1): ours and nginx serving HTTPS with one certificate, keep-alive, 1 KiB ----
if [ "$WITH_TLS" = 1 ]; then
    command -v openssl >/dev/null || die "openssl not found (apt-get install openssl)"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
        -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$WORK/tls-key.pem" -out "$WORK/tls-cert.pem" \
        2>/dev/null || die "openssl could not make a certificate"
    # wait_https PORT: the TLS listener answers (certificate checked).
    wait_https() {
        local deadline=$((SECONDS + 60))
        until curl -fso /dev/null --cacert "$WORK/tls-cert.pem" "https://127.0.0.1:$1/1k.bin"; do
            [ $SECONDS -lt $deadline ] || die "TLS server on port $1 did not answer within 60 s"
            sleep 0.2
        done
    }
    if [ "$TLS_SHAPE" = pinned ]; then
        SERVER_PREFIX=(taskset -c "$SERVER_CPU"); CLIENT_PREFIX=(taskset -c "$CLIENT_CPU"); WRK_THREADS=1
    else
        SERVER_PREFIX=(); CLIENT_PREFIX=(); WRK_THREADS=2
    fi
    PORT[ours]=$(free_port)
    read -r -a java_opts <<< "${JAVA_OPTS:-}"
    ADMIN_PORT=0 WEBSERVER_PORT=$(free_port) WEBSERVER_TLS_ENABLED=true WEBSERVER_TLS_PORT="${PORT[ours]}" \
        WEBSERVER_TLS_CERTIFICATE="$WORK/tls-cert.pem" WEBSERVER_TLS_PRIVATE_dash_KEY="$WORK/tls-key.pem" \
        "${SERVER_PREFIX[@]}" "$JDK/bin/java" "${java_opts[@]}" -jar "$JAR" --root "$WORK/www" >"$WORK/ours-tls.log" 2>&1 &
    PIDS+=($!)
    PORT[nginx]=$(free_port)
    mkdir -p "$WORK/nginx-tls/logs"
    sed -e "s|$WORK/nginx/|$WORK/nginx-tls/|g" \
        -e "s|listen 127.0.0.1:@PORT@;|listen 127.0.0.1:${PORT[nginx]} ssl; ssl_certificate $WORK/tls-cert.pem; ssl_certificate_key $WORK/tls-key.pem; ssl_protocols TLSv1.2 TLSv1.3;|" \
        "$WORK/nginx.conf.in" > "$WORK/nginx-tls/nginx.conf"
    "${SERVER_PREFIX[@]}" "$NGINX" -p "$WORK/nginx-tls" -c "$WORK/nginx-tls/nginx.conf" \
        -e "$WORK/nginx-tls/logs/error.log" >"$WORK/nginx-tls.log" 2>&1 &
    PIDS+=($!)
    wait_https "${PORT[ours]}"; wait_https "${PORT[nginx]}"
    echo
    for name in ours nginx; do
        # What was negotiated, so the row compares like with like.
        echo "$name: $(curl -sv -o /dev/null --cacert "$WORK/tls-cert.pem" "https://127.0.0.1:${PORT[$name]}/1k.bin" 2>&1 \
            | sed -n 's/^\* SSL connection using //p')"
    done
    echo "TLS: warming up ${WARMUP}s per server..." >&2
    for name in ours nginx; do SCHEME=https latency "$name" 1k "$TLS_CONNECTIONS" "$WARMUP" >/dev/null; done
    : > "$WORK/tls-results"
    for round in $(seq "$ROUNDS"); do
        echo "TLS: round $round of $ROUNDS ($(uptime | sed 's/.*load average/load average/'))" >&2
        for name in ours nginx; do
            read -r rps p50 p99 p999 max errors <<< "$(SCHEME=https latency "$name" 1k "$TLS_CONNECTIONS" "$DURATION")"
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
