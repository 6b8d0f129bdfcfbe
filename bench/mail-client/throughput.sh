#!/usr/bin/env bash
# Throughput of the mail-client against postfix's smtp-sink: MESSAGES small messages over SESSIONS connections,
# sent by postfix's smtp-source -d (the anchor), by our engine's bulk path (BulkSend.java: SmtpSession with RSET
# between messages), and through the service's API (ApiLoad.java: POST, fsync'd outbox, delivery workers), all in
# the same run; prints messages/s and ours/anchor ratios. Then the service's RSS while MESSAGES wait in its outbox
# (no relay configured): from start, and once warm (after MESSAGES queued first: the JIT's and the young generation's
# one-time growth done, as in a service that has run a while). smtp-sink and smtp-source come from `apt-get download
# postfix` unpacked with dpkg -x (postfix is never installed: it conflicts with Exim). Loopback only; stops everything
# it started.
# Needs: root (smtp-sink drops to nobody), apt-get, dpkg, taskset, python3, a JDK >= 21.
# The API is fed by CLIENTS concurrent HTTP clients (each POST waits until its message is on disk; POSTs that wait
# together share one group commit of up to 64: one write and one fdatasync at the end of a segment written ahead).
# Besides POST..sent it separates the two halves: accept-only (POSTs to a service with no relay, nothing delivered
# meanwhile) and delivery-only (that service restarted with the relay, draining the MESSAGES waiting in its outbox),
# each with the service's CPU per message (from /proc), and the disk's fsync latency (file + directory, median of 50).
# The load client (ApiLoad.java: raw keep-alive HTTP/1.1, its JVM on C1 alone: ~0.05 ms CPU per POST) runs beside
# smtp-sink on CPU 1 by default, so CPU 0 is the service's alone and the figures measure the service, not its
# client. The service is warmed
# up with WARMUP messages through the whole path first (the JIT compiles for tens of seconds on one core: its CPU is
# shown apart, "JIT"). The delivery-only half stops smtp-sink (SIGSTOP) before the service starts and continues it
# when the timer starts, so all MESSAGES waiting messages are timed.
# The batch API path (POST /api/messages/batch, BATCH messages per request from BATCH_CLIENTS clients, one durable
# write per request) runs on the same service right after the single-POST path, with its own warm-up of WARMUP
# messages in the warm-up phase; its p99 is per batch request.
# BENCH_SERVICE_OPTS: JVM options for the service, split on whitespace (e.g. -XX:AOTCache=FILE, a JDK 25 AOT cache
# trained on the same jar path).
# BENCH_PROFILE=DIR: records the service during POST..sent with `perf record -g` (DIR/perf.data; pass
# -XX:+PreserveFramePointer -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit in BENCH_SERVICE_OPTS for Java
# frames; BENCH_PROFILE_PATH=batch records the batch path's window instead), each thread's CPU in that window (DIR/threads.txt) and the service's output (DIR/service.log; the log's
# line and the wall time where the window starts and ends are in DIR/window.txt, for -XX:+PrintCompilation or JFR).
# BENCH_TRAIN=1: only the POST..sent half (warm-up and MESSAGES, single and batch), then the service's stop; with
# BENCH_SERVICE_OPTS=-XX:AOTCacheOutput=FILE this is the training run of a JDK 25 AOT cache (written at exit).
# Cold and settled: the figures above are "cold" (after WARMUP messages per path, as before). Then the service is
# timed again in rounds (each round both paths, MESSAGES each, like the cold one) until its JIT has settled: until the
# C1/C2 compiler threads' CPU inside a round's two timed windows (ApiLoad reads /proc itself just before its first
# request and after its last scrape, so compiling while the next load client's JVM starts does not count) is below
# BENCH_SETTLE_SHARE percent of the service's CPU in those windows, at most BENCH_SETTLE_ROUNDS rounds (0: none).
# Each round runs right after an anchor of its own (smtp-source again, the service idle), and its share and ratios
# against that anchor are printed; the round that settled (or the last, "capped") gives the settled figures, and the
# last line ("goal") prints the figures the goal is judged on: the settled service (a long-running service is what
# users run) next to its round's anchor. CPU per message is the service's inside the timed window.
# The engine runs twice: `send` per message, and its bulk path `sendAll` with 32 messages a call (as the delivery
# workers do), each BulkSend JVM warmed up until its JIT settles.
# BENCH_API_ONLY=1: skips the accept-only, delivery-only and RSS halves (more runs per held call).
# Usage: [BENCH_MAIL_JAR=mail-client/target/mail-client.jar] [BENCH_LOAD_CPU=1] [BENCH_WARMUP=10000] [BENCH_SERVICE_OPTS=]
#        [BENCH_BATCH=100] [BENCH_BATCH_CLIENTS=4] [BENCH_SETTLE_ROUNDS=8] [BENCH_SETTLE_SHARE=5]
#        [BENCH_API_ONLY=]
#        bench/mail-client.sh throughput [MESSAGES] [SESSIONS] [CLIENTS]   (default 10000 4 32; the service runs on
#        CPU 0)
set -euo pipefail

MESSAGES=${1:-10000}
SESSIONS=${2:-4}
CLIENTS=${3:-32}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SINK_CPU=1
CLIENT_CPU=0
LOAD_CPU=${BENCH_LOAD_CPU:-$SINK_CPU}
WARMUP=${BENCH_WARMUP:-10000}
read -r -a SERVICE_OPTS <<< "${BENCH_SERVICE_OPTS:-}"
PROFILE=${BENCH_PROFILE:-}
PROFILE_PATH=${BENCH_PROFILE_PATH:-single}
BATCH=${BENCH_BATCH:-100}
BATCH_CLIENTS=${BENCH_BATCH_CLIENTS:-4}
TRAIN=${BENCH_TRAIN:-}
SETTLE_ROUNDS=${BENCH_SETTLE_ROUNDS:-8}
SETTLE_SHARE=${BENCH_SETTLE_SHARE:-5}
API_ONLY=${BENCH_API_ONLY:-}

die() { echo "mail-client throughput bench: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (smtp-sink is started with -u nobody)"
command -v taskset >/dev/null || die "taskset is not installed (util-linux)"
command -v python3 >/dev/null || die "python3 is not installed"
JAVA_HOME=$("$ROOT/netlab" jdk --home) || exit 1
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
# The load client's JVM compiles with C1 only: a fresh client JVM per window spent most of its CPU on C2 compiling
# its few hot methods (0.07-0.12 ms per POST, against 0.04-0.06 with C1 alone: bench/RESULTS.md), CPU that
# smtp-sink on the same core needs.
APILOAD=("$JAVA" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC "$ROOT/bench/mail-client/ApiLoad.java")

WORK=$(mktemp -d /tmp/mail-client-throughput.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck source=bench/mail-client/postfix-tools.sh
. "$ROOT/bench/mail-client/postfix-tools.sh"
fetch_postfix "$WORK"

# BENCH_MAIL_JAR=path skips the build and uses that jar (its libs/ beside it): the online build can hang on a machine
# without network, so build offline first (./mvnw -B -o -pl mail-client -am package -DskipTests). Not MAILCLIENT_*:
# the service reads those variables as configuration.
if [ -n "${BENCH_MAIL_JAR:-}" ]; then
  [ -f "$BENCH_MAIL_JAR" ] || die "BENCH_MAIL_JAR=$BENCH_MAIL_JAR is not a file"
  JAR=$(cd "$(dirname "$BENCH_MAIL_JAR")" && pwd)/$(basename "$BENCH_MAIL_JAR")
  echo "using $JAR (not rebuilt)"
else
  echo "building mail-client..."
  (cd "$ROOT" && ./mvnw -B -pl mail-client -am package -DskipTests >/dev/null) || die "build failed"
  JAR="$ROOT/mail-client/target/mail-client.jar"
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
SINK_PORT=$(free_port)
taskset -c "$SINK_CPU" "$SINK" -u nobody -c "127.0.0.1:$SINK_PORT" 1024 >/dev/null 2>&1 &
SINK_PID=$!
PIDS+=("$SINK_PID")
sleep 0.5

rate() { python3 -c "print(f'{$1 / $2:.0f}')"; }
# The service's CPU time so far, in milliseconds (utime + stime from /proc).
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f", ($14 + $15) * 1000 / hz }' "/proc/$SERVICE_PID/stat"; }
per_msg() { python3 -c "print(f'{($2 - $1) / $3:.2f}')"; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
# The service's JIT compiler threads' CPU time so far, in milliseconds (part of cpu_ms).
jit_ms() {
  local hz total=0 t rest
  hz=$(getconf CLK_TCK)
  for t in /proc/"$SERVICE_PID"/task/*; do
    case "$(cat "$t/comm" 2>/dev/null)" in
      C1\ Compiler*|C2\ Compiler*)
        rest=$(sed 's/.*) //' "$t/stat" 2>/dev/null) || continue
        total=$((total + $(echo "$rest" | awk '{ print $12 + $13 }')));;
    esac
  done
  echo $((total * 1000 / hz))
}

# What one durable write costs on this disk: create, write 4 KiB, fsync the file, fsync its directory.
fsync_ms=$(python3 - "$WORK" <<'PY'
import os, sys, time
d = os.path.join(sys.argv[1], "fsync-probe"); os.makedirs(d)
times = []
for i in range(50):
    t = time.perf_counter()
    fd = os.open(os.path.join(d, str(i)), os.O_CREAT | os.O_WRONLY); os.write(fd, b"x" * 4096); os.fsync(fd); os.close(fd)
    fd = os.open(d, os.O_RDONLY); os.fsync(fd); os.close(fd)
    times.append(time.perf_counter() - t)
print(f"{sorted(times)[25] * 1000:.1f}")
PY
)

# The anchor: smtp-source keeps each connection for many messages (-d), like our workers. Its rate in messages/s.
anchor_rate() {
  local start end
  start=$(date +%s.%N)
  taskset -c "$CLIENT_CPU" "$SOURCE" -d -s "$SESSIONS" -m "$MESSAGES" -l 120 -f a@example.org -t b@example.org \
    "127.0.0.1:$SINK_PORT"
  end=$(date +%s.%N)
  rate "$MESSAGES" "$(python3 -c "print($end - $start)")"
}
if [ -z "$TRAIN" ]; then
anchor=$(anchor_rate)

# Our engine: the same sessions, RSET between messages; one warm-up round of 1,000 inside the JVM first.
read -r _ engine_seconds engine_failed _ < <(taskset -c "$CLIENT_CPU" "$JAVA" -cp "$JAR" \
  "$ROOT/bench/mail-client/BulkSend.java" 127.0.0.1 "$SINK_PORT" "$MESSAGES" "$SESSIONS")
engine=$(rate "$MESSAGES" "$engine_seconds")
# The engine's bulk path, as the delivery workers use it: sendAll with 32 messages a call.
read -r _ bulk_seconds bulk_failed _ < <(taskset -c "$CLIENT_CPU" "$JAVA" -cp "$JAR" \
  "$ROOT/bench/mail-client/BulkSend.java" 127.0.0.1 "$SINK_PORT" "$MESSAGES" "$SESSIONS" virtual 32)
bulk=$(rate "$MESSAGES" "$bulk_seconds")
fi

# The service: POST to the API (group-committed fsyncs), delivered by SESSIONS workers to the sink.
start_service() {
  local config=$1 log=$2
  taskset -c "$CLIENT_CPU" "$JAVA" "${SERVICE_OPTS[@]}" -jar "$JAR" --config "$config" >"$log" 2>&1 &
  SERVICE_PID=$!
  PIDS+=("$SERVICE_PID")
  for _ in $(seq 1 200); do
    grep -q "started in" "$log" 2>/dev/null && break
    sleep 0.1
  done
  ADMIN_PORT=$(sed -n 's/.*admin=tcp\/127.0.0.1:\([0-9]*\).*/\1/p' "$log" | head -1)
  [ -n "$ADMIN_PORT" ] || die "the service did not start: $(cat "$log")"
  STARTED_IN=$(sed -n 's/.*started in \([0-9]* ms\).*/\1/p' "$log" | head -1)
  START_RSS=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$SERVICE_PID/status")
}
# Stops the service with SIGTERM and sets STOP_SECONDS to the time until it exited.
stop_service() {
  local t0
  t0=$(date +%s.%N)
  kill "$SERVICE_PID"; wait "$SERVICE_PID" 2>/dev/null || true
  STOP_SECONDS=$(python3 -c "print(f'{$(date +%s.%N) - $t0:.1f}')")
}
# relayed_config FILE OUTBOX: a service configuration that delivers from OUTBOX to smtp-sink.
relayed_config() {
  cat > "$1" <<YAML
admin: {port: 0}
mailclient:
  relay: {server: "127.0.0.1:$SINK_PORT", tls: none}
  outbox: {dir: "$2"}
  delivery: {concurrency: $SESSIONS}
YAML
}
relayed_config "$WORK/relayed.yaml" "$WORK/outbox-relayed"
start_service "$WORK/relayed.yaml" "$WORK/relayed.log"
taskset -c "$LOAD_CPU" "${APILOAD[@]}" "$ADMIN_PORT" "$WARMUP" "$CLIENTS" 1 >/dev/null
taskset -c "$LOAD_CPU" "${APILOAD[@]}" "$ADMIN_PORT" "$((WARMUP / BATCH * BATCH))" \
  "$BATCH_CLIENTS" 1 "$BATCH" >/dev/null
# Each thread's CPU time so far in milliseconds, as "name<TAB>ms" lines (for BENCH_PROFILE).
thread_ms() {
  local hz t
  hz=$(getconf CLK_TCK)
  for t in /proc/"$SERVICE_PID"/task/*; do
    printf '%s\t%s\n' "$(cat "$t/comm" 2>/dev/null)" "$(sed 's/.*) //' "$t/stat" 2>/dev/null | awk -v hz="$hz" '{ print ($12 + $13) * 1000 / hz }')"
  done
}
profile_start() {
  [ -n "$PROFILE" ] && [ "$PROFILE_PATH" = "$1" ] || return 0
  mkdir -p "$PROFILE"
  thread_ms > "$WORK/threads-before.txt"
  echo "start $(wc -l < "$WORK/relayed.log") $(date +%s.%N)" > "$PROFILE/window.txt"
  perf record -F 1999 -g -p "$SERVICE_PID" -o "$PROFILE/perf.data" >/dev/null 2>&1 &
  PERF_PID=$!
  sleep 0.5
}
profile_end() {
  [ -n "$PROFILE" ] && [ "$PROFILE_PATH" = "$1" ] || return 0
  kill -INT "$PERF_PID"; wait "$PERF_PID" 2>/dev/null || true
  echo "end $(wc -l < "$WORK/relayed.log") $(date +%s.%N)" >> "$PROFILE/window.txt"
  # Per thread name: CPU ms in the window (threads of one name summed; ones that ended count as zero).
  thread_ms | awk -F'\t' 'NR == FNR { before[$1] += $2; next } { after[$1] += $2 }
    END { for (n in after) { d = after[n] - before[n]; if (d > 0) printf "%8.0f ms  %s\n", d, n } }' \
    "$WORK/threads-before.txt" - | sort -rn > "$PROFILE/threads.txt"
}
# Times both paths on the running service: MESSAGES single POSTs, then MESSAGES in batch requests of BATCH; sets
# api* and batch* (msg/s, accept seconds, refused, p99, the service's CPU and JIT per message inside each timed
# window) and share (the compiler threads' percentage of the service's CPU in both windows).
BATCHED=$((MESSAGES / BATCH * BATCH))
measure_paths() {
  local api_win_cpu api_win_jit batch_win_cpu batch_win_jit
  profile_start single
  read -r _ api_accept_seconds api_seconds api_refused api_p99 api_client_cpu api_win_cpu api_win_jit api_client_win < <(
    APILOAD_SERVICE_PID=$SERVICE_PID taskset -c "$LOAD_CPU" "${APILOAD[@]}" \
    "$ADMIN_PORT" "$MESSAGES" "$CLIENTS" 1)
  api_cpu=$(per_msg 0 "$api_win_cpu" "$MESSAGES")
  api_jit=$(per_msg 0 "$api_win_jit" "$MESSAGES")
  api=$(rate "$MESSAGES" "$api_seconds")
  api_client=$(per_msg 0 "$api_client_win * 1000" "$MESSAGES")
  profile_end single
  # The batch path on the same service: MESSAGES in requests of BATCH.
  profile_start batch
  read -r _ batch_accept_seconds batch_seconds batch_refused batch_p99 _ batch_win_cpu batch_win_jit _ < <(
    APILOAD_SERVICE_PID=$SERVICE_PID taskset -c "$LOAD_CPU" "${APILOAD[@]}" \
    "$ADMIN_PORT" "$BATCHED" "$BATCH_CLIENTS" 1 "$BATCH")
  batch_cpu=$(per_msg 0 "$batch_win_cpu" "$BATCHED")
  batch_jit=$(per_msg 0 "$batch_win_jit" "$BATCHED")
  batch=$(rate "$BATCHED" "$batch_seconds")
  profile_end batch
  share=$(python3 -c "print(f'{100 * ($api_win_jit + $batch_win_jit) / max(1, $api_win_cpu + $batch_win_cpu):.1f}')")
}
# With settle rounds a profile records the rounds (each one replaces the last), so it ends as the settled round's.
PROFILE_ROUNDS=$PROFILE
if [ "$SETTLE_ROUNDS" -gt 0 ] && [ -z "$TRAIN" ]; then PROFILE=""; fi
measure_paths
cold_share=$share
# Timed rounds through both paths until the compiler threads' share of the service's CPU inside a round's timed
# windows is below SETTLE_SHARE percent (or SETTLE_ROUNDS rounds were run); that round is the settled figure.
settle_shares=""
settle_state="off"
settle_served=0
if [ "$SETTLE_ROUNDS" -gt 0 ] && [ -z "$TRAIN" ]; then
  settle_state="capped after $SETTLE_ROUNDS rounds"
  cold=("$api" "$api_accept_seconds" "$api_p99" "$api_refused" "$api_cpu" "$api_jit" "$batch" "$batch_accept_seconds" \
    "$batch_p99" "$batch_refused" "$batch_cpu" "$batch_jit")
  PROFILE=$PROFILE_ROUNDS
  for round in $(seq 1 "$SETTLE_ROUNDS"); do
    # Each round runs next to an anchor of its own, measured just before it (the service idle meanwhile): this
    # host's speed moves from minute to minute, and a round minutes after the run's first anchor is not its pair.
    round_anchor=$(anchor_rate)
    measure_paths
    settle_served=$((settle_served + MESSAGES + BATCHED))
    settle_shares="$settle_shares $share% ($(ratio "$api" "$round_anchor")/$(ratio "$batch" "$round_anchor") of $round_anchor)"
    if python3 -c "import sys; sys.exit(0 if $share < $SETTLE_SHARE else 1)"; then
      settle_state="settled in round $round"
      break
    fi
  done
  settled=("$api" "$api_accept_seconds" "$api_p99" "$api_refused" "$api_cpu" "$api_jit" "$batch" \
    "$batch_accept_seconds" "$batch_p99" "$batch_refused" "$batch_cpu" "$batch_jit")
  settled_anchor=$round_anchor
  read -r api api_accept_seconds api_p99 api_refused api_cpu api_jit batch batch_accept_seconds batch_p99 \
    batch_refused batch_cpu batch_jit <<< "${cold[*]}"
fi
api_started_in=$STARTED_IN
api_start_rss=$START_RSS
api_end_rss=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$SERVICE_PID/status")
stop_service
api_stop_seconds=$STOP_SECONDS
[ -z "$PROFILE" ] || cp "$WORK/relayed.log" "$PROFILE/service.log"
if [ -n "$TRAIN" ]; then
  echo "trained: service-opts=[${SERVICE_OPTS[*]}] POST..sent $api msgs/s, CPU $api_cpu ms/msg (JIT $api_jit);" \
    "batch POST..sent $batch msgs/s, CPU $batch_cpu ms/msg (JIT $batch_jit);" \
    "started in $api_started_in, RSS $api_start_rss MiB at start, $api_end_rss MiB at the end; stopped in $api_stop_seconds s"
  exit 0
fi

# RSS while the messages wait: no relay, so the outbox only grows.
if [ -z "$API_ONLY" ]; then
cat > "$WORK/queued.yaml" <<YAML
admin: {port: 0}
mailclient:
  outbox: {dir: "$WORK/outbox-queued"}
YAML
start_service "$WORK/queued.yaml" "$WORK/queued.log"
rss() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$SERVICE_PID/status"; }
rss_series="0:$(rss)MiB"
step=$((MESSAGES / 4))
accept_seconds=0
cpu_before=$(cpu_ms)
jit_before=$(jit_ms)
for i in 1 2 3 4; do
  read -r _ seconds _ < <(taskset -c "$LOAD_CPU" "${APILOAD[@]}" "$ADMIN_PORT" \
    "$step" "$CLIENTS" 0)
  accept_seconds=$(python3 -c "print($accept_seconds + $seconds)")
  rss_series="$rss_series $((i * step)):$(rss)MiB"
done
accept_cpu=$(per_msg "$cpu_before" "$(cpu_ms)" "$((4 * step))")
accept_jit=$(per_msg "$jit_before" "$(jit_ms)" "$((4 * step))")
accept=$(rate "$((4 * step))" "$accept_seconds")
segments=$(find "$WORK/outbox-queued/queue" -name '*.seg' | wc -l)
kill "$SERVICE_PID"; wait "$SERVICE_PID" 2>/dev/null || true

# The same once warm, as a service that has run a while: a fresh service (its own outbox) takes MESSAGES first, so
# its JIT has compiled the accept path and its young generation has grown to its cap, then MESSAGES more in four
# steps; the series counts from the end of that warm-up. The series above, from start, includes that one-time growth.
cat > "$WORK/warm.yaml" <<YAML
admin: {port: 0}
mailclient:
  outbox: {dir: "$WORK/outbox-warm"}
YAML
start_service "$WORK/warm.yaml" "$WORK/warm.log"
taskset -c "$LOAD_CPU" "${APILOAD[@]}" "$ADMIN_PORT" "$MESSAGES" "$CLIENTS" 0 >/dev/null
warm_series="0:$(rss)MiB"
for i in 1 2 3 4; do
  taskset -c "$LOAD_CPU" "${APILOAD[@]}" "$ADMIN_PORT" "$step" "$CLIENTS" 0 >/dev/null
  warm_series="$warm_series $((i * step)):$(rss)MiB"
done
kill "$SERVICE_PID"; wait "$SERVICE_PID" 2>/dev/null || true

# Delivery only: the same outbox, now with the relay; timed until every waiting message is sent.
relayed_config "$WORK/drain.yaml" "$WORK/outbox-queued"
# The relay is stopped while the service starts (its workers connect and wait for the greeting); ApiLoad continues
# it after its first look at the metrics and times from there, so every waiting message is timed.
kill -STOP "$SINK_PID"
start_service "$WORK/drain.yaml" "$WORK/drain.log"
jit_before=$(jit_ms)
read -r drained drain_seconds drain_cpu_seconds < <(taskset -c "$LOAD_CPU" "${APILOAD[@]}" \
  "$ADMIN_PORT" "$((4 * step))" drain "$SINK_PID")
drain_cpu=$(per_msg 0 "$drain_cpu_seconds * 1000" "$drained")
drain_jit=$(per_msg "$jit_before" "$(jit_ms)" "$drained")
drain=$(rate "$drained" "$drain_seconds")
kill "$SERVICE_PID"; wait "$SERVICE_PID" 2>/dev/null || true
fi

echo
echo "messages=$MESSAGES sessions=$SESSIONS api-clients=$CLIENTS service-opts=[${SERVICE_OPTS[*]}] load: $(uptime | sed 's/.*load average: //')"
printf '%-32s %10s %8s\n' "path" "msgs/s" "ratio"
printf '%-32s %10s %8s\n' "smtp-source -d (anchor)" "$anchor" "1.00"
printf '%-32s %10s %8s  failed=%s\n' "engine send per message" "$engine" \
  "$(ratio "$engine" "$anchor")" "$engine_failed"
printf '%-32s %10s %8s  failed=%s\n' "engine bulk (sendAll, 32 a call)" "$bulk" "$(ratio "$bulk" "$anchor")" \
  "$bulk_failed"
printf '%-32s %10s %8s  POSTs done at %s msgs/s, p99 POST (202 after fsync) %s ms, refused=%s\n' \
  "service API (POST..sent)" "$api" "$(ratio "$api" "$anchor")" \
  "$(rate "$MESSAGES" "$api_accept_seconds")" "$api_p99" "$api_refused"
printf '%-32s %10s %8s  service CPU %s ms/msg (JIT %s), load client CPU %s s (%s ms per POST in the last timed window; after %s warm-up messages)\n' \
  "  the same, CPU" "" "" "$api_cpu" "$api_jit" "$api_client_cpu" "$api_client" "$WARMUP"
printf '%-32s %10s %8s  batches done at %s msgs/s, p99 batch POST (%s messages, 202 after fsync) %s ms, refused=%s\n' \
  "batch API (POST..sent)" "$batch" "$(ratio "$batch" "$anchor")" \
  "$(rate "$BATCHED" "$batch_accept_seconds")" "$BATCH" "$batch_p99" "$batch_refused"
printf '%-32s %10s %8s  service CPU %s ms/msg (JIT %s), %s batch clients (after %s warm-up messages in batches)\n' \
  "  the same, CPU" "" "" "$batch_cpu" "$batch_jit" "$BATCH_CLIENTS" "$((WARMUP / BATCH * BATCH))"
if [ "$settle_state" != off ]; then
  read -r s_api s_api_accept s_api_p99 s_api_refused s_api_cpu s_api_jit s_batch s_batch_accept s_batch_p99 \
    s_batch_refused s_batch_cpu s_batch_jit <<< "${settled[*]}"
  echo "JIT settle rounds ($MESSAGES single + $BATCHED batch each, timed; compiler threads' share of the service's" \
    "CPU inside the timed windows, goal < $SETTLE_SHARE% (single/batch ratio)): cold $cold_share%,$settle_shares;" \
    "$settle_state"
  printf '%-32s %10s %8s  POSTs done at %s msgs/s, p99 POST %s ms, refused=%s, service CPU %s ms/msg (JIT %s)\n' \
    "settled: API (POST..sent)" "$s_api" "$(ratio "$s_api" "$settled_anchor")" \
    "$(rate "$MESSAGES" "$s_api_accept")" "$s_api_p99" "$s_api_refused" "$s_api_cpu" "$s_api_jit"
  printf '%-32s %10s %8s  batches done at %s msgs/s, p99 batch POST %s ms, refused=%s, service CPU %s ms/msg (JIT %s)\n' \
    "settled: batch API (POST..sent)" "$s_batch" "$(ratio "$s_batch" "$settled_anchor")" \
    "$(rate "$BATCHED" "$s_batch_accept")" "$s_batch_p99" "$s_batch_refused" "$s_batch_cpu" "$s_batch_jit"
fi
if [ -z "$API_ONLY" ]; then
printf '%-32s %10s %8s  service CPU %s ms/msg (JIT %s; no warm-up), %s segment files for %s messages\n' \
  "accept only (no relay)" "$accept" "$(ratio "$accept" "$anchor")" "$accept_cpu" \
  "$accept_jit" "$segments" "$((4 * step))"
printf '%-32s %10s %8s  service CPU %s ms/msg (JIT %s; no warm-up; %s messages timed)\n' \
  "delivery only (full outbox)" "$drain" "$(ratio "$drain" "$anchor")" "$drain_cpu" \
  "$drain_jit" "$drained"
echo "fsync (file + directory) median: $fsync_ms ms; load client on CPU $LOAD_CPU, service on CPU $CLIENT_CPU"
echo "service RSS while messages wait (queued:RSS): $rss_series"
echo "service RSS while messages wait, warm ($MESSAGES queued first; queued beyond those:RSS): $warm_series"
else
echo "load client on CPU $LOAD_CPU, service on CPU $CLIENT_CPU (accept-only, delivery-only and RSS skipped: BENCH_API_ONLY)"
fi
echo "POST..sent service: started in $api_started_in, RSS $api_start_rss MiB at start, $api_end_rss MiB after" \
  "$((2 * WARMUP + MESSAGES + BATCHED + settle_served)) messages (single and batch); stopped (SIGTERM to exit) in $api_stop_seconds s"
if [ "$settle_state" != off ]; then
  goal_api=$s_api goal_batch=$s_batch goal_kind="settled ($settle_state)" goal_anchor=$settled_anchor
else
  goal_api=$api goal_batch=$batch goal_kind="cold (no settle rounds)" goal_anchor=$anchor
fi
meets() { python3 -c "print('yes' if $1 / $2 >= $3 else 'NO')"; }
echo "goal, $goal_kind, anchor $goal_anchor msgs/s (the run's first: $anchor): batch API" \
  "$(ratio "$goal_batch" "$goal_anchor")x (>= 0.5: $(meets "$goal_batch" "$goal_anchor" 0.5)), single API" \
  "$(ratio "$goal_api" "$goal_anchor")x (>= 0.5: $(meets "$goal_api" "$goal_anchor" 0.5)), engine bulk" \
  "$(ratio "$bulk" "$anchor")x (>= 1.0: $(meets "$bulk" "$anchor" 1.0))"
