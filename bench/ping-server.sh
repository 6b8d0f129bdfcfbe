#!/usr/bin/env bash
# Echo throughput and latency: our ping-server's echo listener against a minimal C recvfrom/sendto loop
# (bench/ping-server/echo.c), both driven by the same C load generator (bench/ping-server/loadgen.c) that keeps a
# window of datagrams outstanding. Server on CPU 0, load generator on CPU 1 (taskset); rate limit and faults off;
# loopback only. Prints replies/s at window 32, median RTT at window 1, and ours/anchor ratios, one row per kind of
# receive thread (pingserver.receive-thread: one JVM per kind, started side by side).
# Needs gcc, taskset (util-linux) and a JDK >= 21; builds the jar when it is missing.
# Usage: bench/ping-server.sh [SECONDS per measurement, default 5] [ROUNDS, default 3] [KINDS, default "virtual platform"]
# The machine may be shared: each round measures the anchor and every kind back to back, and the median round is
# reported per kind.
set -euo pipefail

SECONDS_PER_RUN="${1:-5}"
ROUNDS="${2:-3}"
read -r -a KINDS <<<"${3:-virtual platform}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

# The launcher finds a JDK >= 21 the same way everywhere, and says what it found when there is none.
JAVA_HOME="$("$ROOT/netlab" jdk --home)" || exit 1
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
command -v gcc >/dev/null || { echo "ping-server bench: gcc is needed (apt-get install gcc)" >&2; exit 1; }
command -v taskset >/dev/null || { echo "ping-server bench: taskset is needed (util-linux)" >&2; exit 1; }
CPUS="$(nproc)"
SERVER_CPU=0
LOAD_CPU=$(( CPUS > 1 ? 1 : 0 ))

JAR="$ROOT/ping-server/target/ping-server.jar"
if [[ ! -f "$JAR" ]]; then
    echo "building $JAR" >&2
    (cd "$ROOT" && ./mvnw -B -pl ping-server -am package -DskipTests >"$WORK/build.log" 2>&1) \
        || { tail -20 "$WORK/build.log" >&2; exit 1; }
fi
gcc -O2 -Wall -o "$WORK/echo" "$ROOT/bench/ping-server/echo.c"
gcc -O2 -Wall -o "$WORK/loadgen" "$ROOT/bench/ping-server/loadgen.c"

await_line() { # file pattern
    for _ in $(seq 1 600); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "ping-server bench: no '$2' in $1: $(cat "$1")" >&2
    exit 1
}

load() { # port window seconds warmup
    taskset -c "$LOAD_CPU" "$WORK/loadgen" "$1" "$2" "$3" "${4:-1}"
}
field() { # line name
    sed -n "s/.*$2=\([0-9.]*\).*/\1/p" <<<"$1"
}

# The anchor.
taskset -c "$SERVER_CPU" "$WORK/echo" 0 >"$WORK/echo.out" &
PIDS+=($!)
await_line "$WORK/echo.out" "port="
C_PORT="$(sed -n 's/port=//p' "$WORK/echo.out")"

# Ours, one JVM per kind of receive thread: only the echo listener, no rate limit, no faults.
declare -A J_PORT
for kind in "${KINDS[@]}"; do
    ADMIN_PORT=0 PINGSERVER_LISTENERS_ECHO_PORT=0 PINGSERVER_LISTENERS_LAB_ENABLED=false \
    PINGSERVER_LISTENERS_STAMP_ENABLED=false PINGSERVER_LISTENERS_ECHO_RATE_dash_LIMIT=0 \
    PINGSERVER_RECEIVE_dash_THREAD="$kind" \
        taskset -c "$SERVER_CPU" "$JAVA" -jar "$JAR" >"$WORK/java-$kind.out" 2>"$WORK/java-$kind.err" &
    PIDS+=($!)
    await_line "$WORK/java-$kind.out" "started in"
    J_PORT[$kind]="$(sed -n 's/.*echo=udp\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/java-$kind.out")"
    echo "warming up the $kind JVM (window 32, 10 s; window 1, 3 s)" >&2
    load "${J_PORT[$kind]}" 32 10 0 >/dev/null
    load "${J_PORT[$kind]}" 1 3 0 >/dev/null
done

echo "measuring ${SECONDS_PER_RUN}s per run, $ROUNDS rounds alternating the anchor and ${KINDS[*]};" \
     "server on CPU $SERVER_CPU, load generator on CPU $LOAD_CPU; load: $(uptime)" >&2
for kind in "${KINDS[@]}"; do : >"$WORK/results-$kind"; done
for round in $(seq 1 "$ROUNDS"); do
    C32="$(load "$C_PORT" 32 "$SECONDS_PER_RUN")"; echo "round $round anchor C        $C32"
    declare -A J32=()
    for kind in "${KINDS[@]}"; do
        J32[$kind]="$(load "${J_PORT[$kind]}" 32 "$SECONDS_PER_RUN")"; echo "round $round ours $kind  ${J32[$kind]}"
    done
    C1="$(load "$C_PORT" 1 "$SECONDS_PER_RUN")";   echo "round $round anchor C        $C1"
    for kind in "${KINDS[@]}"; do
        J1="$(load "${J_PORT[$kind]}" 1 "$SECONDS_PER_RUN")"; echo "round $round ours $kind  $J1"
        echo "$(field "$C32" replies_per_s) $(field "${J32[$kind]}" replies_per_s) $(field "$C1" median_us) $(field "$J1" median_us)" \
            >>"$WORK/results-$kind"
    done
done

# Per round: ours against the anchor measured next to it; reported: the median round, per kind.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for kind in "${KINDS[@]}"; do
    # A round where a side got no CPU for a whole measurement (0 replies) says nothing: it is left out, and said so.
    awk '$1 > 0 && $2 > 0 && $3 > 0 && $4 > 0 { printf "%.4f %.2f\n", $2 / $1, $4 - $3 }' "$WORK/results-$kind" \
        >"$WORK/ratios-$kind"
    starved=$(( ROUNDS - $(wc -l <"$WORK/ratios-$kind") ))
    (( starved == 0 )) || echo "$kind: $starved of $ROUNDS rounds left out (a measurement got no replies: machine starved)"
    [[ -s "$WORK/ratios-$kind" ]] || continue
    echo "$kind per round (replies/s ours/anchor at window 32, median RTT ours - anchor at window 1):" \
         "$(awk '{ printf " %.2f/%+.1fus", $1, $2 }' "$WORK/ratios-$kind")"
    printf '%s median round: window 32 replies/s ours/anchor %.2f (goal >= 0.90); window 1 median RTT ours - anchor %+.1f us (goal <= 10 us)\n' \
        "$kind" "$(cut -d' ' -f1 "$WORK/ratios-$kind" | median)" "$(cut -d' ' -f2 "$WORK/ratios-$kind" | median)"
done
echo "load after: $(uptime)"
