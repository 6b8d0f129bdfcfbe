#!/usr/bin/env bash
# ping-client benchmark: RTT accuracy next to sockperf, and scale (1,000 targets at 1 probe/s).
#
#   bench/ping-client.sh            # ~3 minutes; loopback only; stops everything it starts
#   ACCURACY_SECONDS=10 SCALE_SECONDS=30 TARGETS=1000 bench/ping-client.sh
#   JAR=/tmp/old/ping-client.jar CLIENT_FLAGS="-Djdk.pollerMode=1" PINGCLIENT_RECEIVE_dash_THREAD=platform \
#       PINGSERVER_RECEIVE_dash_THREAD=platform bench/ping-client.sh
#
# JAR runs another build (copied with its libs/; no build then), CLIENT_FLAGS are JVM flags for our prober (command
# and service); the receive-thread settings are read from the environment by the services, as always.
#
# Accuracy: median RTT on loopback of our prober against an echo reflector (the ping-server jar's echo listener
# when ping-server/target/ping-server.jar exists, else bench/ping-client/EchoReflector.java), next to
# `sockperf ping-pong` against `sockperf server` (it reports half the RTT: we double it), at the same rate with the
# same core placement (reflector/server on core 0, client on core 1). Ours is measured twice: the `ping` command
# (its probe loop on the main platform thread) and the service (its probe loop on a virtual thread).
# Scale: the service with TARGETS targets at 1 probe/s against one reflector: CPU of the prober, RSS, median RTT.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ACCURACY_SECONDS="${ACCURACY_SECONDS:-10}"
SCALE_SECONDS="${SCALE_SECONDS:-30}"
TARGETS="${TARGETS:-1000}"
RATE_INTERVAL="${RATE_INTERVAL:-0.002}"   # seconds between probes in the accuracy runs (500/s)
SERVER_CORE="${SERVER_CORE:-0}"
CLIENT_CORE="${CLIENT_CORE:-1}"
BENCH_NAME="ping-client"
# shellcheck source=bench/ping-client-lib.sh
source "$ROOT/bench/ping-client-lib.sh"
command -v sockperf >/dev/null || die "sockperf is not installed (apt-get install sockperf)"
command -v taskset >/dev/null || die "taskset is missing (util-linux)"
command -v curl >/dev/null || die "curl is missing"

if [ -z "${JAR:-}" ]; then
    echo "== building ping-client"
    (cd "$ROOT" && ./mvnw -B -pl ping-client -am package -DskipTests >"$WORK/build.log" 2>&1) \
        || { tail -30 "$WORK/build.log"; die "build failed"; }
    JAR="$ROOT/ping-client/target/ping-client.jar"
fi
read -r -a CLIENT_JVM <<<"${CLIENT_FLAGS:-}"
SERVICE_THREAD="${PINGCLIENT_RECEIVE_dash_THREAD:-virtual}"

# Waits for a line matching $2 in file $1 (10 s), prints it.
await_line() {
    local file="$1" pattern="$2" i
    for i in $(seq 1 200); do
        if grep -qE "$pattern" "$file" 2>/dev/null; then grep -m1 -E "$pattern" "$file"; return 0; fi
        sleep 0.05
    done
    cat "$file" >&2
    die "no line matching '$pattern' in $file"
}

start_reflector() {
    local log="$WORK/reflector.log"
    local total=$((ACCURACY_SECONDS * 3 + SCALE_SECONDS * 2 + 120))
    if [ -f "$ROOT/ping-server/target/ping-server.jar" ]; then
        REFLECTOR="ping-server (echo listener, ${PINGSERVER_RECEIVE_dash_THREAD:-virtual} receive thread)"
        ADMIN_PORT=0 PINGSERVER_LISTENERS_ECHO_PORT=0 PINGSERVER_LISTENERS_LAB_PORT=0 PINGSERVER_LISTENERS_STAMP_PORT=0 \
            taskset -c "$SERVER_CORE" "$JAVA" -jar "$ROOT/ping-server/target/ping-server.jar" >"$log" 2>&1 &
    else
        REFLECTOR="bench/ping-client/EchoReflector.java (platform thread, blocking)"
        taskset -c "$SERVER_CORE" "$JAVA" "$ROOT/bench/ping-client/EchoReflector.java" 0 "$total" >"$log" 2>&1 &
    fi
    PIDS+=($!)
    ECHO_PORT="$(await_line "$log" 'echo=udp/127\.0\.0\.1:[0-9]+' | sed -E 's/.*echo=udp\/127\.0\.0\.1:([0-9]+).*/\1/')"
}

# The JSON field's value: json_field FILE python-expression-on-d
json_field() { python3 -c "import json,sys; d=json.load(open('$1')); print($2)"; }

# Starts the service with config $1, log $2; sets SERVICE_PID and SERVICE_ADMIN.
start_service() {
    ADMIN_PORT=0 taskset -c "$CLIENT_CORE" "$JAVA" "${CLIENT_JVM[@]}" -jar "$JAR" --config "$1" >"$2" 2>&1 &
    SERVICE_PID=$!
    PIDS+=("$SERVICE_PID")
    SERVICE_ADMIN="$(await_line "$2" 'admin=tcp/' | sed -E 's/.*admin=tcp\/127\.0\.0\.1:([0-9]+).*/\1/')"
}

stop_service() { kill "$SERVICE_PID" 2>/dev/null || true; wait "$SERVICE_PID" 2>/dev/null || true; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

start_reflector
echo "== reflector: $REFLECTOR on 127.0.0.1:$ECHO_PORT (core $SERVER_CORE); clients on core $CLIENT_CORE"
COUNT=$(python3 -c "print(int($ACCURACY_SECONDS / $RATE_INTERVAL))")
MPS=$(python3 -c "print(int(round(1 / $RATE_INTERVAL)))")

echo "== accuracy: sockperf ping-pong (${ACCURACY_SECONDS}s at ${MPS}/s, 56-byte payload)"
# sockperf server takes no port 0: pick a free one.
SP_PORT=$(python3 -c "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1',0)); print(s.getsockname()[1]); s.close()")
taskset -c "$SERVER_CORE" sockperf server -i 127.0.0.1 -p "$SP_PORT" >"$WORK/sockperf-server.log" 2>&1 &
PIDS+=($!)
sleep 0.5
taskset -c "$CLIENT_CORE" sockperf ping-pong -i 127.0.0.1 -p "$SP_PORT" -t "$ACCURACY_SECONDS" --mps "$MPS" -m 56 \
    >"$WORK/sockperf.log" 2>&1 || { cat "$WORK/sockperf.log"; die "sockperf ping-pong failed"; }
SP_HALF=$(sed -n 's/.*percentile 50.000 = *\([0-9.]*\).*/\1/p' "$WORK/sockperf.log")
SP_RTT=$(python3 -c "print(round(2 * $SP_HALF, 3))")
echo "   sockperf median half-RTT ${SP_HALF} us -> RTT ${SP_RTT} us"

echo "== accuracy: ping-client ping (platform thread), warm-up then ${COUNT} probes"
taskset -c "$CLIENT_CORE" "$JAVA" "${CLIENT_JVM[@]}" -jar "$JAR" ping "127.0.0.1:$ECHO_PORT" --mode echo -c 1000 -i "$RATE_INTERVAL" \
    -q >/dev/null
taskset -c "$CLIENT_CORE" "$JAVA" "${CLIENT_JVM[@]}" -jar "$JAR" ping "127.0.0.1:$ECHO_PORT" --mode echo -c "$COUNT" \
    -i "$RATE_INTERVAL" -W 1 --format json >"$WORK/ours-command.json" || true
OURS_CMD=$(json_field "$WORK/ours-command.json" "round(d['rtt_ms']['p50'] * 1000, 1)")
OURS_CMD_LOSS=$(json_field "$WORK/ours-command.json" "d['loss_percent']")
echo "   ours (command) median RTT ${OURS_CMD} us, loss ${OURS_CMD_LOSS}%"

echo "== accuracy: ping-client service (${SERVICE_THREAD} thread), ${ACCURACY_SECONDS}s after a warm-up"
WINDOW=$COUNT
cat >"$WORK/one.yaml" <<YAML
pingclient:
  stats-window: $WINDOW
  targets:
    - host: 127.0.0.1
      port: $ECHO_PORT
      mode: echo
      interval: ${RATE_INTERVAL}s
      timeout: 1s
      name: accuracy
YAML
start_service "$WORK/one.yaml" "$WORK/service-one.log"
sleep "$ACCURACY_SECONDS"   # warm-up: this part of the window is replaced by the measured part
sleep "$ACCURACY_SECONDS"
curl -fsS "http://127.0.0.1:$SERVICE_ADMIN/api/targets" >"$WORK/ours-service.json"
stop_service
OURS_SVC=$(json_field "$WORK/ours-service.json" "round(d['targets'][0]['rtt_ms']['p50'] * 1000, 1)")
echo "   ours (service) median RTT ${OURS_SVC} us"

# Runs the service on config $1 for 10 s of warm-up and SCALE_SECONDS measured; sets CPU, RSS, P50, N, SENT, RECV.
measure_scale() {
    start_service "$1" "$WORK/scale.log"
    sleep 10
    local t0 s0 t1 s1 hz
    t0=$(cpu_ticks "$SERVICE_PID"); s0=$(date +%s.%N)
    sleep "$SCALE_SECONDS"
    t1=$(cpu_ticks "$SERVICE_PID"); s1=$(date +%s.%N)
    RSS=$(rss_kib "$SERVICE_PID")
    curl -fsS "http://127.0.0.1:$SERVICE_ADMIN/api/targets" >"$WORK/scale.json"
    stop_service
    hz=$(getconf CLK_TCK)
    CPU=$(python3 -c "print(round(100 * ($t1 - $t0) / $hz / ($s1 - $s0), 2))")
    read -r P50 N SENT RECV < <(python3 - "$WORK/scale.json" <<'PY'
import json, statistics, sys
d = json.load(open(sys.argv[1]))["targets"]
p50 = [t["rtt_ms"]["p50"] * 1000 for t in d if t.get("rtt_ms")]
sent = sum(t.get("transmitted", 0) for t in d); received = sum(t.get("received", 0) for t in d)
print(round(statistics.median(p50), 1) if p50 else "nan", len(p50), sent, received)
PY
)
}

scale_config() {
    echo "pingclient:"
    echo "  targets:"
    for i in $(seq 1 "$1"); do
        printf '    - {host: 127.0.0.1, port: %s, mode: echo, interval: 1s, timeout: 1s, name: t%04d}\n' "$ECHO_PORT" "$i"
    done
}

echo "== scale: 1 target at 1 probe/s for ${SCALE_SECONDS}s (after 10 s warm-up)"
scale_config 1 >"$WORK/single.yaml"
measure_scale "$WORK/single.yaml"
SINGLE_P50=$P50
echo "   CPU ${CPU}% of one core, RSS $((RSS / 1024)) MiB, median RTT ${P50} us"

echo "== scale: ${TARGETS} targets at 1 probe/s for ${SCALE_SECONDS}s (after 10 s warm-up)"
scale_config "$TARGETS" >"$WORK/many.yaml"
measure_scale "$WORK/many.yaml"
MANY_P50=$P50; MANY_N=$N; MANY_SENT=$SENT; MANY_RECV=$RECV
echo "   CPU ${CPU}% of one core, RSS $((RSS / 1024)) MiB, median of per-target median RTT ${MANY_P50} us" \
     "(${MANY_N} targets with replies; ${MANY_RECV}/${MANY_SENT} replies)"
echo
echo "== results ($(nproc) cores, $(uname -r); shared machine, figures are noisy)"
printf '%-44s %12s\n' "median RTT, sockperf ping-pong (2 x half)" "${SP_RTT} us"
printf '%-44s %12s\n' "median RTT, ours: ping command (platform)" "${OURS_CMD} us"
printf '%-44s %12s\n' "median RTT, ours: service (${SERVICE_THREAD} thread)" "${OURS_SVC} us"
python3 - <<PY
sp, cmd, svc = $SP_RTT, $OURS_CMD, $OURS_SVC
print(f"{'ours/anchor (command)':44s} {cmd / sp:12.2f}   gap {cmd - sp:+.1f} us")
print(f"{'ours/anchor (service)':44s} {svc / sp:12.2f}   gap {svc - sp:+.1f} us")
PY
printf '%-44s %12s\n' "scale: CPU of the prober (${TARGETS} x 1/s)" "${CPU} %"
printf '%-44s %12s\n' "scale: RSS" "$((RSS / 1024)) MiB"
printf '%-44s %12s\n' "scale: median RTT, 1 target at 1/s" "${SINGLE_P50} us"
printf '%-44s %12s\n' "scale: median RTT, ${TARGETS} targets at 1/s" "${MANY_P50} us"
python3 - <<PY
print(f"{'scale: median RTT minus single-target':44s} {$MANY_P50 - $SINGLE_P50:+12.1f} us")
PY
