#!/usr/bin/env bash
# ping-client benchmark: RTT accuracy next to sockperf, and scale (1,000 targets at 1 probe/s).
#
#   bench/ping-client.sh            # ~6 minutes; loopback only; stops everything it starts
#   ACCURACY_SECONDS=5 ROUNDS=3 SCALE_SECONDS=0 bench/ping-client.sh          # accuracy only, ~4 minutes
#   ACCURACY_SECONDS=10 SCALE_SECONDS=30 TARGETS=1000 bench/ping-client.sh
#   JAR=/tmp/old/ping-client.jar CLIENT_FLAGS="-Djdk.pollerMode=1" SERVICE_THREADS=virtual CONDITIONS=spin \
#       bench/ping-client.sh
#
# JAR runs another build (copied with its libs/; no build then), CLIENT_FLAGS are JVM flags for our prober (command
# and service); the reflector's receive thread is read from the environment by the ping-server, as always
# (PINGSERVER_RECEIVE_dash_THREAD, platform here unless set), the service's is SERVICE_THREADS' for the accuracy
# runs and PINGCLIENT_RECEIVE_dash_THREAD's (virtual unless set) for the scale runs.
#
# Accuracy: median and p99 RTT on loopback of our prober against an echo reflector (the ping-server jar's echo
# listener when ping-server/target/ping-server.jar exists, else bench/ping-client/EchoReflector.java), next to
# `sockperf ping-pong` against `sockperf server` (it reports half the RTT: we double it), at the same rate with the
# same core placement (reflector/server on core 0, client on core 1). Ours is measured as the `ping` command (its
# probe loop on the main platform thread) and as the service with each receive thread in SERVICE_THREADS. (sockperf
# cannot run against our echo reflector: its client takes only replies its own server marked as such.)
#
# Equal terms: `sockperf ping-pong --mps` spins its client core between sends (about a second of CPU per second), so
# that core never halts, while a JVM prober sleeps between probes and, on a virtual machine, pays the vCPU's wake-up
# from halt on every reply. Each round therefore measures every tool in two CONDITIONS: "idle" (as the tools run by
# themselves) and "spin" (a busy loop under SCHED_IDLE pinned to every core, so no core halts and any real thread
# preempts the loop at once: every tool then starts from a running core, as sockperf's client always does). Rounds
# alternate the conditions' order; the summary gives each tool's gap to sockperf's median of the same round.
# Scale: the service with TARGETS targets at 1 probe/s against one reflector: CPU of the prober, RSS, median RTT.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ACCURACY_SECONDS="${ACCURACY_SECONDS:-10}"
SCALE_SECONDS="${SCALE_SECONDS:-30}"   # 0: accuracy only
ROUNDS="${ROUNDS:-3}"
CONDITIONS="${CONDITIONS:-idle spin}"
SERVICE_THREADS="${SERVICE_THREADS:-virtual platform}"
export PINGSERVER_RECEIVE_dash_THREAD="${PINGSERVER_RECEIVE_dash_THREAD:-platform}"
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
    local total=$((ACCURACY_SECONDS * 14 * ROUNDS + SCALE_SECONDS * 2 + 120))
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

# A busy loop under SCHED_IDLE on every core: the core never halts, and any other thread preempts the loop at once.
start_spinners() {
    local core
    SPINNERS=()
    for core in $(seq 0 $(($(nproc) - 1))); do
        taskset -c "$core" chrt -i 0 bash -c 'while :; do :; done' &
        SPINNERS+=($!)
        PIDS+=($!)
    done
}
stop_spinners() {
    local pid
    for pid in "${SPINNERS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${SPINNERS[@]}"; do wait "$pid" 2>/dev/null || true; done
    SPINNERS=()
}

# Share of the last $1 seconds each core spent halted (idle in /proc/stat), e.g. "0:97% 1:88%".
idle_shares() { # BEFORE-SNAPSHOT-FILE
    python3 - "$1" <<'PY'
import sys
def read(lines):
    return {l.split()[0]: list(map(int, l.split()[1:])) for l in lines if l.startswith('cpu') and l[3].isdigit()}
a, b = read(open(sys.argv[1])), read(open('/proc/stat'))
print(' '.join(f"{c[3:]}:{100 * (b[c][3] - a[c][3]) / max(1, sum(b[c]) - sum(a[c])):.0f}%" for c in sorted(a)))
PY
}

# sockperf ping-pong against 127.0.0.1:$1 for ACCURACY_SECONDS; sets P50 and P99 (RTT: twice its half-RTT) and
# SP_CPU (its user+system CPU seconds: it spins its core between sends).
measure_sockperf() {
    /usr/bin/time -f '%U %S' -o "$WORK/sockperf.time" taskset -c "$CLIENT_CORE" sockperf ping-pong -i 127.0.0.1 \
        -p "$1" -t "$ACCURACY_SECONDS" --mps "$MPS" -m 56 >"$WORK/sockperf.log" 2>&1 \
        || { cat "$WORK/sockperf.log"; die "sockperf ping-pong failed"; }
    local half99
    P50=$(python3 -c "print(round(2 * $(sed -n 's/.*percentile 50.000 = *\([0-9.]*\).*/\1/p' "$WORK/sockperf.log"), 1))")
    half99=$(sed -n 's/.*percentile 99.000 = *\([0-9.]*\).*/\1/p' "$WORK/sockperf.log")
    P99=$(python3 -c "print(round(2 * $half99, 1))")
    SP_CPU=$(awk '{print $1 + $2}' "$WORK/sockperf.time")
}

# The ping command (its loop on the main platform thread): a warm-up run, then COUNT probes; sets P50, P99.
measure_command() {
    taskset -c "$CLIENT_CORE" "$JAVA" "${CLIENT_JVM[@]}" -jar "$JAR" ping "127.0.0.1:$ECHO_PORT" --mode echo -c 1000 \
        -i "$RATE_INTERVAL" -q >/dev/null
    taskset -c "$CLIENT_CORE" "$JAVA" "${CLIENT_JVM[@]}" -jar "$JAR" ping "127.0.0.1:$ECHO_PORT" --mode echo \
        -c "$COUNT" -i "$RATE_INTERVAL" -W 1 --format json >"$WORK/ours-command.json" || true
    P50=$(json_field "$WORK/ours-command.json" "round(d['rtt_ms']['p50'] * 1000, 1)")
    P99=$(json_field "$WORK/ours-command.json" "round(d['rtt_ms']['p99'] * 1000, 1)")
}

# The service with one target, its stream reading on a thread of kind $1: ACCURACY_SECONDS of warm-up, then the
# stats window holds the measured ACCURACY_SECONDS only; sets P50, P99.
measure_service() {
    PINGCLIENT_RECEIVE_dash_THREAD="$1" start_service "$WORK/one.yaml" "$WORK/service-one.log"
    sleep "$ACCURACY_SECONDS"   # warm-up: this part of the window is replaced by the measured part
    sleep "$ACCURACY_SECONDS"
    curl -fsS "http://127.0.0.1:$SERVICE_ADMIN/api/targets" >"$WORK/ours-service.json"
    stop_service
    P50=$(json_field "$WORK/ours-service.json" "round(d['targets'][0]['rtt_ms']['p50'] * 1000, 1)")
    P99=$(json_field "$WORK/ours-service.json" "round(d['targets'][0]['rtt_ms']['p99'] * 1000, 1)")
}

start_reflector
echo "== reflector: $REFLECTOR on 127.0.0.1:$ECHO_PORT (core $SERVER_CORE); clients on core $CLIENT_CORE"
COUNT=$(python3 -c "print(int($ACCURACY_SECONDS / $RATE_INTERVAL))")
MPS=$(python3 -c "print(int(round(1 / $RATE_INTERVAL)))")
# sockperf server takes no port 0: pick a free one.
SP_PORT=$(python3 -c "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1',0)); print(s.getsockname()[1]); s.close()")
taskset -c "$SERVER_CORE" sockperf server -i 127.0.0.1 -p "$SP_PORT" >"$WORK/sockperf-server.log" 2>&1 &
PIDS+=($!)
sleep 0.5
cat >"$WORK/one.yaml" <<YAML
pingclient:
  stats-window: $COUNT
  targets:
    - host: 127.0.0.1
      port: $ECHO_PORT
      mode: echo
      interval: ${RATE_INTERVAL}s
      timeout: 1s
      name: accuracy
YAML

# Every tool in both conditions, the conditions' order alternating by round; one line per measurement in RUNS.
: >"$WORK/runs.txt"
for round in $(seq 1 "$ROUNDS"); do
    read -r -a order <<<"$CONDITIONS"
    if [ $((round % 2)) = 0 ]; then mapfile -t order < <(printf '%s\n' "${order[@]}" | tac); fi
    for condition in "${order[@]}"; do
        if [ "$condition" = spin ]; then start_spinners; fi
        cp /proc/stat "$WORK/stat-before"
        echo "== round $round, cores ${condition} ($(uptime | sed 's/.*load average: /load /')): ${ACCURACY_SECONDS}s at ${MPS}/s each"
        measure_sockperf "$SP_PORT"
        echo "   sockperf -> sockperf server     p50 ${P50} us  p99 ${P99} us  (sockperf's CPU ${SP_CPU} s in ${ACCURACY_SECONDS} s)"
        echo "$round $condition sockperf $P50 $P99" >>"$WORK/runs.txt"
        measure_command
        echo "   ping command (platform thread)  p50 ${P50} us  p99 ${P99} us"
        echo "$round $condition command $P50 $P99" >>"$WORK/runs.txt"
        for kind in $SERVICE_THREADS; do
            measure_service "$kind"
            printf '   service (%-8s receive)       p50 %s us  p99 %s us\n' "$kind" "$P50" "$P99"
            echo "$round $condition service-$kind $P50 $P99" >>"$WORK/runs.txt"
        done
        echo "   cores halted meanwhile: $(idle_shares "$WORK/stat-before")"
        if [ "$condition" = spin ]; then stop_spinners; fi
    done
done
echo
echo "== accuracy ($(nproc) cores, $(uname -r), ${ROUNDS} rounds; each tool's median RTT minus sockperf's in the same round and condition)"
python3 - "$WORK/runs.txt" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
ref = {(r[0], r[1]): float(r[3]) for r in rows if r[2] == 'sockperf'}
tools = list(dict.fromkeys(r[2] for r in rows))
print(f"{'condition':9s} {'tool':26s} {'median p50':>11s} {'p50 range':>15s} {'median p99':>11s} {'gap median':>11s} {'gap range':>17s}")
for condition in dict.fromkeys(r[1] for r in rows):
    for tool in tools:
        mine = [r for r in rows if r[1] == condition and r[2] == tool]
        p50 = [float(r[3]) for r in mine]; p99 = [float(r[4]) for r in mine]
        gaps = [float(r[3]) - ref[(r[0], r[1])] for r in mine]
        print(f"{condition:9s} {tool:26s} {statistics.median(p50):9.1f}us {min(p50):6.1f}-{max(p50):6.1f}us"
              f" {statistics.median(p99):9.1f}us {statistics.median(gaps):+9.1f}us {min(gaps):+7.1f}..{max(gaps):+6.1f}us")
PY
if [ "$SCALE_SECONDS" = 0 ]; then exit 0; fi

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
echo "== scale ($(nproc) cores, $(uname -r); shared machine, figures are noisy)"
printf '%-44s %12s\n' "scale: CPU of the prober (${TARGETS} x 1/s)" "${CPU} %"
printf '%-44s %12s\n' "scale: RSS" "$((RSS / 1024)) MiB"
printf '%-44s %12s\n' "scale: median RTT, 1 target at 1/s" "${SINGLE_P50} us"
printf '%-44s %12s\n' "scale: median RTT, ${TARGETS} targets at 1/s" "${MANY_P50} us"
python3 - <<PY
print(f"{'scale: median RTT minus single-target':44s} {$MANY_P50 - $SINGLE_P50:+12.1f} us")
PY
