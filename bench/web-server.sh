#!/usr/bin/env bash
# Benchmark: Netlab's web-server against nginx (1 worker, sendfile on, access_log off) and the JDK's jwebserver.
# Each server is pinned to core 0 and wrk to core 1; keep-alive, 64 connections, a 1 KiB and a 64 KiB file.
# Every server is warmed up (the JVMs JIT-compile) before it is measured; then ROUNDS rounds each measure the three
# servers one after the other, and each figure is the median of its rounds (the machine is shared: interleaving
# keeps a burst of someone else's load from landing on one server only). Loopback only; bounded in time:
#   WARMUP=10 DURATION=5 ROUNDS=3 bench/web-server.sh      (seconds per run; defaults shown)
# Needs: a JDK >= 21 with jwebserver (found by ./netlab jdk), the Maven wrapper (to build the jar if missing), nginx, wrk,
# taskset, pgrep, curl, python3 (to pick free ports).
set -euo pipefail

WARMUP=${WARMUP:-10}
DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-64}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
HERE=$(cd "$(dirname "$0")/.." && pwd)
JAR="$HERE/web-server/target/web-server.jar"

die() { echo "web-server bench: $*" >&2; exit 1; }

# The launcher finds a JDK >= 21 the same way everywhere; jwebserver ships with it.
JDK=$("$HERE/netlab" jdk --home) || exit 1
[ -x "$JDK/bin/jwebserver" ] || die "$JDK has no jwebserver"
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || die "nginx not found (apt-get install nginx)"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
command -v wrk >/dev/null || die "wrk not found (apt-get install wrk)"
for tool in taskset pgrep curl python3; do
    command -v "$tool" >/dev/null || die "$tool not found"
done

if [ ! -f "$JAR" ]; then
    echo "building $JAR" >&2
    (cd "$HERE" && JAVA_HOME="$JDK" ./mvnw -B -pl web-server -am package -DskipTests >/dev/null) || die "build failed"
fi

WORK=$(mktemp -d /tmp/web-server-bench.XXXXXX)
chmod 755 "$WORK"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

mkdir -p "$WORK/www"
head -c 1024 /dev/urandom > "$WORK/www/1k.bin"
head -c 65536 /dev/urandom > "$WORK/www/64k.bin"
chmod -R a+rX "$WORK/www"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

wait_http() {
    local port=$1 deadline=$((SECONDS + 60))
    until curl -fso /dev/null "http://127.0.0.1:$port/1k.bin"; do
        [ $SECONDS -lt $deadline ] || die "server on port $port did not answer within 60 s"
        sleep 0.2
    done
}

# Ours.
OURS_PORT=$(free_port)
read -r -a java_opts <<< "${JAVA_OPTS:-}"
ADMIN_PORT=0 taskset -c "$SERVER_CPU" "$JDK/bin/java" "${java_opts[@]}" -jar "$JAR" --root "$WORK/www" --port "$OURS_PORT" \
    >"$WORK/ours.log" 2>&1 &
PIDS+=($!)
declare -A PID PORT
PID[ours]=$!; PORT[ours]=$OURS_PORT

# nginx: one worker, sendfile, no access log, keep-alive without a per-connection request cap.
NGINX_PORT=$(free_port)
mkdir -p "$WORK/nginx/logs"
cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 1024; }
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
        listen 127.0.0.1:$NGINX_PORT;
        root $WORK/www;
    }
}
CONF
taskset -c "$SERVER_CPU" "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/logs/error.log" \
    >"$WORK/nginx.log" 2>&1 &
PIDS+=($!)
PID[nginx]=$!; PORT[nginx]=$NGINX_PORT

# jwebserver (jdk.httpserver), request log off.
JWS_PORT=$(free_port)
taskset -c "$SERVER_CPU" "$JDK/bin/jwebserver" -b 127.0.0.1 -p "$JWS_PORT" -d "$WORK/www" -o none \
    >"$WORK/jwebserver.log" 2>&1 &
PIDS+=($!)
PID[jwebserver]=$!; PORT[jwebserver]=$JWS_PORT

wait_http "$OURS_PORT"; wait_http "$NGINX_PORT"; wait_http "$JWS_PORT"

# CPU ticks (user + system) of a process and its children: CPU per request does not depend on how busy the
# shared machine is, unlike requests/s.
cpu_ticks() {
    local total=0 pid
    for pid in "$1" $(pgrep -P "$1" || true); do
        [ -r "/proc/$pid/stat" ] || continue
        total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat")))
    done
    echo "$total"
}
TICKS_PER_SECOND=$(getconf CLK_TCK)

# run PID PORT FILE SECONDS: prints "rps p50_ms p99_ms cpu_us_per_request errors".
run() {
    local pid=$1 port=$2 file=$3 seconds=$4 out before after
    before=$(cpu_ticks "$pid")
    out=$(taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" --latency "http://127.0.0.1:$port/$file")
    after=$(cpu_ticks "$pid")
    echo "$out" | awk -v ticks=$((after - before)) -v hz="$TICKS_PER_SECOND" '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /Requests\/sec/ { rps = $2 }
        / requests in / { requests = $1 }
        /^ +50%/ { p50 = ms($2) }
        /^ +99%/ { p99 = ms($2) }
        /Non-2xx|Socket errors/ { errors = errors $0 ";" }
        END { printf "%.0f %.3f %.3f %.2f %s\n", rps, p50, p99, requests ? ticks / hz / requests * 1e6 : 0, errors }'
}

echo "warming up each server for ${WARMUP}s per file size..." >&2
for name in ours nginx jwebserver; do
    for file in 1k.bin 64k.bin; do run "${PID[$name]}" "${PORT[$name]}" "$file" "$WARMUP" >/dev/null; done
done

# median of the values on standard input
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A RESULTS
for round in $(seq "$ROUNDS"); do
    echo "round $round of $ROUNDS..." >&2
    for file in 1k.bin 64k.bin; do
        for name in ours nginx jwebserver; do
            RESULTS[$name-$file]+="$(run "${PID[$name]}" "${PORT[$name]}" "$file" "$DURATION")"$'\n'
        done
    done
done

printf '%-6s %-11s %12s %10s %10s %12s\n' size server requests/s p50_ms p99_ms cpu_us/req
declare -A RPS CPU
for file in 1k.bin 64k.bin; do
    for name in ours nginx jwebserver; do
        rows=${RESULTS[$name-$file]}
        rps=$(echo -n "$rows" | awk '{ print $1 }' | median)
        p50=$(echo -n "$rows" | awk '{ print $2 }' | median)
        p99=$(echo -n "$rows" | awk '{ print $3 }' | median)
        cpu=$(echo -n "$rows" | awk '{ print $4 }' | median)
        errors=$(echo -n "$rows" | awk '{ $1 = $2 = $3 = $4 = ""; print }' | tr -s ' \n' ' ')
        RPS[$name-$file]=$rps
        CPU[$name-$file]=$cpu
        printf '%-6s %-11s %12.0f %10.3f %10.3f %12.2f %s\n' "${file%.bin}" "$name" "$rps" "$p50" "$p99" "$cpu" "${errors# }"
    done
done
for file in 1k.bin 64k.bin; do
    awk -v f="${file%.bin}" -v o="${RPS[ours-$file]}" -v n="${RPS[nginx-$file]}" -v j="${RPS[jwebserver-$file]}" \
        -v oc="${CPU[ours-$file]}" -v nc="${CPU[nginx-$file]}" -v jc="${CPU[jwebserver-$file]}" \
        'BEGIN { printf "%-6s requests/s: ours/nginx = %.2f  ours/jwebserver = %.2f   CPU per request: ours/nginx = %.2f  ours/jwebserver = %.2f\n", f, o / n, o / j, oc / nc, oc / jc }'
done
echo "(server on CPU $SERVER_CPU, wrk -t1 -c$CONNECTIONS on CPU $CLIENT_CPU, keep-alive; medians of $ROUNDS interleaved rounds of ${DURATION}s after ${WARMUP}s warm-up per server and size)"
