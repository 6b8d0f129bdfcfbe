# Shell helpers shared by bench/web-server.sh and bench/web-server-matrix.sh: sourced, never run.
# The sourcing script sets BENCH (its name for messages) and HERE (the repository), then calls web_bench_setup.
# shellcheck shell=bash

die() { echo "$BENCH: $*" >&2; exit 1; }

# web_bench_setup [jwebserver] [openssl]: checks the tools, raises the open-files limit, builds the jar if missing,
# makes $WORK (removed on exit, with every server in PIDS stopped), the wrk percentile script and the served files.
web_bench_setup() {
    JDK=$("$HERE/netlab" jdk --home) || exit 1
    JAR="${JAR:-$HERE/web-server/target/web-server.jar}"
    command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || die "nginx not found (apt-get install nginx)"
    NGINX=$(command -v nginx || echo /usr/sbin/nginx)
    # WRK: the closed-loop client. Debian's wrk reads 8 KiB per call and is the bound of a 64 KiB row on one CPU;
    # bench/wrk-build.sh wrk builds one that reads 64 KiB (.netlab/tools/wrk).
    WRK=${WRK:-wrk}
    command -v "$WRK" >/dev/null || die "wrk not found: $WRK (apt-get install wrk, or bench/wrk-build.sh wrk)"
    echo "closed-loop client: $(command -v "$WRK")"
    local tool
    for tool in taskset curl python3; do
        command -v "$tool" >/dev/null || die "$tool not found"
    done
    for tool in "$@"; do
        case $tool in
            jwebserver) [ -x "$JDK/bin/jwebserver" ] || die "$JDK has no jwebserver" ;;
            *) command -v "$tool" >/dev/null || die "$tool not found (apt-get install $tool)" ;;
        esac
    done
    # 1,000 connections on each side of loopback, plus the JVM's own descriptors.
    ulimit -n 8192 2>/dev/null || [ "$(ulimit -n)" -ge 4096 ] || die "cannot raise the open-files limit to 4096 (ulimit -n)"
    if [ ! -f "$JAR" ]; then
        echo "building $JAR" >&2
        (cd "$HERE" && JAVA_HOME="$JDK" ./mvnw -B -pl web-server -am package -DskipTests >/dev/null) || die "build failed"
    fi
    WORK=$(mktemp -d /tmp/web-server-bench.XXXXXX)
    chmod 755 "$WORK"
    PIDS=()
    trap web_bench_cleanup EXIT INT TERM
    mkdir -p "$WORK/www"
    head -c 1024 /dev/urandom > "$WORK/www/1k.bin"
    head -c 65536 /dev/urandom > "$WORK/www/64k.bin"
    chmod -R a+rX "$WORK/www"
    # wrk prints 50/75/90/99 % with --latency; this prints p50, p99, p99.9 and max (µs), requests, duration (µs),
    # errors and bytes read.
    cat > "$WORK/percentiles.lua" <<'LUA'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %.0f\n", latency:percentile(50), latency:percentile(99),
    latency:percentile(99.9), latency.max, summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout, summary.bytes))
end
LUA
    declare -gA PORT PID_OF
    SERVER_PREFIX=()
    CLIENT_PREFIX=()
    WRK_THREADS=2
    WRK_HEADERS=()
}

stop_servers() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    PIDS=()
}

web_bench_cleanup() {
    stop_servers
    rm -rf "$WORK"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# wait_http NAME LOG PORT [https]: the server NAME (PID_OF[NAME], writing to LOG) answers for /1k.bin (over TLS with
# the bench certificate checked). A server that exits first (a jar without its libs/, a port taken) fails the bench at
# once with the end of its log, not after the 60 s.
wait_http() {
    local name=$1 log=$2 port=$3 deadline=$((SECONDS + 60)) url="http://127.0.0.1:$3/1k.bin" tls=()
    if [ "${4:-}" = https ]; then url="https://127.0.0.1:$port/1k.bin"; tls=(--cacert "$WORK/tls-cert.pem"); fi
    until curl -fso /dev/null "${tls[@]}" "$url"; do
        if ! kill -0 "${PID_OF[$name]}" 2>/dev/null; then
            tail -n 5 "$log" >&2
            die "$name exited before answering on port $port (the end of its log is above)"
        fi
        [ $SECONDS -lt $deadline ] || die "$name on port $port did not answer within 60 s"
        sleep 0.2
    done
}

# set_shape pinned|unpinned: servers on SERVER_CPU and wrk -t1 on CLIENT_CPU, or no taskset and wrk -t2.
set_shape() {
    if [ "$1" = pinned ]; then
        SERVER_PREFIX=(taskset -c "$SERVER_CPU"); CLIENT_PREFIX=(taskset -c "$CLIENT_CPU"); WRK_THREADS=1
    else
        SERVER_PREFIX=(); CLIENT_PREFIX=(); WRK_THREADS=2
    fi
}

# make_tls_cert: one openssl-made EC P-256 certificate for both servers ($WORK/tls-cert.pem, $WORK/tls-key.pem).
make_tls_cert() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
        -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$WORK/tls-key.pem" -out "$WORK/tls-cert.pem" \
        2>/dev/null || die "openssl could not make a certificate"
}

# start_ours: our server on PORT[ours] (a fresh free port), plus a TLS listener on PORT[ours-tls] when that is set;
# its output goes to OURS_LOG (default $WORK/ours.log).
start_ours() {
    PORT[ours]=$(free_port)
    local java_opts tls=() log=${OURS_LOG:-$WORK/ours.log}
    read -r -a java_opts <<< "${JAVA_OPTS:-}"
    if [ -n "${PORT[ours-tls]:-}" ]; then
        tls=(WEBSERVER_TLS_ENABLED=true WEBSERVER_TLS_PORT="${PORT[ours-tls]}"
            WEBSERVER_TLS_CERTIFICATE="$WORK/tls-cert.pem" WEBSERVER_TLS_PRIVATE_dash_KEY="$WORK/tls-key.pem")
    fi
    # nginx keeps a connection for 1,000,000 requests: ours the same, or wrk would measure reconnects.
    env ADMIN_PORT=0 WEBSERVER_LIMITS_KEEPALIVE_dash_REQUESTS=1000000 "${tls[@]}" \
        "${SERVER_PREFIX[@]}" "$JDK/bin/java" "${java_opts[@]}" -jar "$JAR" --root "$WORK/www" --port "${PORT[ours]}" \
        >>"$log" 2>&1 &
    PIDS+=($!); PID_OF[ours]=$!
    wait_http ours "$log" "${PORT[ours]}"
    if [ -n "${PORT[ours-tls]:-}" ]; then wait_http ours "$log" "${PORT[ours-tls]}" https; fi
}

# start_nginx: nginx (1 worker, sendfile on, access_log off) on PORT[nginx], plus an HTTPS server block with the
# same certificate on PORT[nginx-tls] when that is set. PID_OF[nginx] is the master, PID_OF[nginx-worker] its worker.
start_nginx() {
    PORT[nginx]=$(free_port)
    local dir="$WORK/nginx" tls_server=""
    mkdir -p "$dir/logs"
    if [ -n "${PORT[nginx-tls]:-}" ]; then
        tls_server="server { listen 127.0.0.1:${PORT[nginx-tls]} ssl; root $WORK/www; ssl_certificate $WORK/tls-cert.pem;
        ssl_certificate_key $WORK/tls-key.pem; ssl_protocols TLSv1.2 TLSv1.3; }"
    fi
    cat > "$dir/nginx.conf" <<CONF
worker_processes 1;
worker_rlimit_nofile 8192;
daemon off;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
    default_type application/octet-stream;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    server {
        listen 127.0.0.1:${PORT[nginx]};
        root $WORK/www;
    }
    $tls_server
}
CONF
    "${SERVER_PREFIX[@]}" "$NGINX" -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" >>"$WORK/nginx.log" 2>&1 &
    PIDS+=($!); PID_OF[nginx]=$!
    wait_http nginx "$WORK/nginx.log" "${PORT[nginx]}"
    if [ -n "${PORT[nginx-tls]:-}" ]; then wait_http nginx "$WORK/nginx.log" "${PORT[nginx-tls]}" https; fi
    PID_OF[nginx-worker]=$(pgrep -P "${PID_OF[nginx]}" | head -1)
}

# start_jwebserver: the JDK's jwebserver on PORT[jwebserver].
start_jwebserver() {
    PORT[jwebserver]=$(free_port)
    "${SERVER_PREFIX[@]}" "$JDK/bin/jwebserver" -b 127.0.0.1 -p "${PORT[jwebserver]}" -d "$WORK/www" -o none \
        >>"$WORK/jwebserver.log" 2>&1 &
    PIDS+=($!); PID_OF[jwebserver]=$!
    wait_http jwebserver "$WORK/jwebserver.log" "${PORT[jwebserver]}"
}

# latency SERVER SIZE CONNECTIONS SECONDS: "requests/s p50_ms p99_ms p99.9_ms max_ms errors bytes" from one wrk run
# against PORT[SERVER] (SCHEME=https for a TLS port), with the extra request headers in WRK_HEADERS; WRK names the
# wrk binary (wrk2 for an open-loop run) and WRK_RATE gives it a fixed rate in requests/s.
latency() {
    local port=${PORT[$1]} out header headers=()
    for header in "${WRK_HEADERS[@]}"; do headers+=(-H "$header"); done
    out=$("${CLIENT_PREFIX[@]}" "$WRK" -t"$WRK_THREADS" -c"$3" -d"${4}s" ${WRK_RATE:+-R"$WRK_RATE"} \
        --timeout 30s --latency "${headers[@]}" -s "$WORK/percentiles.lua" "${SCHEME:-http}://127.0.0.1:$port/$2.bin")
    echo "$out" | awk '/^RESULT/ {
        printf "%.0f %.3f %.3f %.3f %.3f %d %.0f\n", $6 / ($7 / 1e6), $2 / 1000, $3 / 1000, $4 / 1000, $5 / 1000, $8, $9 }'
}

# CHURN_WARMUP: seconds of connection churn in every server's warm-up (warm_churn), before the rows' own warm-ups.
CHURN_WARMUP=${CHURN_WARMUP:-5}

# warm_churn SERVER: CHURN_WARMUP seconds of 1 KiB requests with Connection: close against PORT[SERVER] (a new
# connection per answer: about 100,000 accepts on this machine, CLIENT_CPU's wrk as for the rows), so a JVM has
# compiled its accept, connection set-up and close with C2 before anything is measured. A server in service accepts
# connections all the time; a keep-alive warm-up makes only CONNECTIONS of them, which leaves that path in C1's
# profiling tier through a 1,000-connection or close row (bench/RESULTS.md, "Where a close answer's extra time
# goes"). Every server gets the same churn (nginx and jwebserver too); its errors (jwebserver's backlog) are ignored.
warm_churn() {
    [ "$CHURN_WARMUP" -gt 0 ] || return 0
    local saved=("${WRK_HEADERS[@]}")
    WRK_HEADERS=("Connection: close")
    SCHEME=http latency "$1" 1k 64 "$CHURN_WARMUP" >/dev/null
    WRK_HEADERS=("${saved[@]}")
}

# watch_debug_logging: our server logs with timestamps to the millisecond and the scheduler watch's debug line (one a
# second while it drains: how many, the longest, the leavers held), through JAVA_OPTS.
watch_debug_logging() {
    # shellcheck disable=SC2016 # the formatter's pattern, not an expansion
    printf '%s\n' handlers=java.util.logging.ConsoleHandler .level=INFO java.util.logging.ConsoleHandler.level=ALL \
        java.util.logging.ConsoleHandler.formatter=java.util.logging.SimpleFormatter \
        'java.util.logging.SimpleFormatter.format=%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n' io.helidon.level=WARNING \
        dev.netlab.webserver.SchedulerWatch.level=FINE > "$WORK/logging.properties"
    JAVA_OPTS="${JAVA_OPTS:-} -Djava.util.logging.config.file=$WORK/logging.properties"
}

# load_average: the three load averages from uptime, for the progress lines.
load_average() { uptime | sed 's/.*load average/load average/'; }

# settle SERVER: a full GC in a JVM (jcmd GC.run), so its RSS holds what it keeps, not garbage of the rounds.
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

# hold_idle SERVER COUNT: opens COUNT keep-alive connections to PORT[SERVER] (one request answered on each,
# bench/web-server-idle-client.py on the client CPU), then HELD_RSS is the server's RSS after settle and HELD_OPEN
# how many it still kept open.
hold_idle() {
    local client deadline
    rm -f "$WORK/idle-in" "$WORK/idle-out"
    mkfifo "$WORK/idle-in"
    "${CLIENT_PREFIX[@]}" python3 "$HERE/bench/web-server-idle-client.py" "${PORT[$1]}" "$2" \
        < "$WORK/idle-in" > "$WORK/idle-out" 2>&1 &
    client=$!
    exec 3> "$WORK/idle-in"
    deadline=$((SECONDS + 60))
    until grep -q ready "$WORK/idle-out"; do
        kill -0 "$client" 2>/dev/null || die "idle client against $1 failed: $(cat "$WORK/idle-out")"
        [ $SECONDS -lt $deadline ] || die "idle client against $1 not ready within 60 s"
        sleep 0.2
    done
    sleep 1
    settle "$1"
    # shellcheck disable=SC2034 # read by the sourcing script
    HELD_RSS=$(rss_kib "$1")
    exec 3>&-
    wait "$client" || die "idle client against $1 failed: $(cat "$WORK/idle-out")"
    # shellcheck disable=SC2034 # read by the sourcing script
    HELD_OPEN=$(awk '$1 == "open" { print $2 }' "$WORK/idle-out")
    rm -f "$WORK/idle-in" "$WORK/idle-out"
}
