#!/usr/bin/env bash
# Throughput of the mail-client against postfix's smtp-sink: MESSAGES small messages over SESSIONS connections,
# sent by postfix's smtp-source -d (the anchor), by our engine's bulk path (BulkSend.java: SmtpSession with RSET
# between messages), and through the service's API (ApiLoad.java: POST, fsync'd outbox, delivery workers), all in
# the same run; prints messages/s and ours/anchor ratios. Then the service's RSS while MESSAGES wait in its outbox
# (no relay configured). smtp-sink and smtp-source come from `apt-get download postfix` unpacked with dpkg -x (postfix
# is never installed: it conflicts with Exim). Loopback only; stops everything it started.
# Needs: root (smtp-sink drops to nobody), apt-get, dpkg, taskset, python3, a JDK >= 21.
# The API is fed by CLIENTS concurrent HTTP clients (each POST waits until its message is on disk; POSTs that wait
# together share one group commit: one segment file per batch of up to 64, one file fsync and one directory fsync).
# Usage: [BENCH_MAIL_JAR=mail-client/target/mail-client.jar] bench/mail-client.sh throughput [MESSAGES] [SESSIONS] [CLIENTS]
#        (default 10000 4 32)
set -euo pipefail

MESSAGES=${1:-10000}
SESSIONS=${2:-4}
CLIENTS=${3:-32}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SINK_CPU=1
CLIENT_CPU=0

die() { echo "mail-client throughput bench: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (smtp-sink is started with -u nobody)"
command -v taskset >/dev/null || die "taskset is not installed (util-linux)"
command -v python3 >/dev/null || die "python3 is not installed"
JAVA_HOME=$("$ROOT/netlab" jdk --home) || exit 1
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"

WORK=$(mktemp -d /tmp/mail-client-throughput.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "fetching postfix's smtp-sink and smtp-source (not installed)..."
(cd "$WORK" && apt-get download postfix >/dev/null 2>&1) || die "apt-get download postfix failed"
dpkg -x "$WORK"/postfix_*.deb "$WORK/postfix"
export LD_LIBRARY_PATH="$WORK/postfix/usr/lib/postfix"
SINK="$WORK/postfix/usr/sbin/smtp-sink"
SOURCE="$WORK/postfix/usr/sbin/smtp-source"

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
PIDS+=($!)
sleep 0.5

rate() { python3 -c "print(f'{$1 / $2:.0f}')"; }

# The anchor: smtp-source keeps each connection for many messages (-d), like our workers.
start=$(date +%s.%N)
taskset -c "$CLIENT_CPU" "$SOURCE" -d -s "$SESSIONS" -m "$MESSAGES" -l 120 -f a@example.org -t b@example.org \
  "127.0.0.1:$SINK_PORT"
end=$(date +%s.%N)
anchor_seconds=$(python3 -c "print($end - $start)")
anchor=$(rate "$MESSAGES" "$anchor_seconds")

# Our engine: the same sessions, RSET between messages; one warm-up round of 1,000 inside the JVM first.
read -r _ engine_seconds engine_failed _ < <(taskset -c "$CLIENT_CPU" "$JAVA" -cp "$JAR" \
  "$ROOT/bench/mail-client/BulkSend.java" 127.0.0.1 "$SINK_PORT" "$MESSAGES" "$SESSIONS")
engine=$(rate "$MESSAGES" "$engine_seconds")

# The service: POST to the API (group-committed fsyncs), delivered by SESSIONS workers to the sink.
start_service() {
  local config=$1 log=$2
  taskset -c "$CLIENT_CPU" "$JAVA" -jar "$JAR" --config "$config" >"$log" 2>&1 &
  SERVICE_PID=$!
  PIDS+=("$SERVICE_PID")
  for _ in $(seq 1 200); do
    grep -q "started in" "$log" 2>/dev/null && break
    sleep 0.1
  done
  ADMIN_PORT=$(sed -n 's/.*admin=tcp\/127.0.0.1:\([0-9]*\).*/\1/p' "$log" | head -1)
  [ -n "$ADMIN_PORT" ] || die "the service did not start: $(cat "$log")"
}
cat > "$WORK/relayed.yaml" <<YAML
admin: {port: 0}
mailclient:
  relay: {server: "127.0.0.1:$SINK_PORT", tls: none}
  outbox: {dir: "$WORK/outbox-relayed"}
  delivery: {concurrency: $SESSIONS}
YAML
start_service "$WORK/relayed.yaml" "$WORK/relayed.log"
"$JAVA" "$ROOT/bench/mail-client/ApiLoad.java" "$ADMIN_PORT" 1000 "$CLIENTS" 1 >/dev/null
read -r _ api_accept_seconds api_seconds api_refused api_p99 < <(taskset -c "$CLIENT_CPU" "$JAVA" \
  "$ROOT/bench/mail-client/ApiLoad.java" "$ADMIN_PORT" "$MESSAGES" "$CLIENTS" 1)
api=$(rate "$MESSAGES" "$api_seconds")
kill "$SERVICE_PID"; wait "$SERVICE_PID" 2>/dev/null || true

# RSS while the messages wait: no relay, so the outbox only grows.
cat > "$WORK/queued.yaml" <<YAML
admin: {port: 0}
mailclient:
  outbox: {dir: "$WORK/outbox-queued"}
YAML
start_service "$WORK/queued.yaml" "$WORK/queued.log"
rss() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$SERVICE_PID/status"; }
rss_series="0:$(rss)MiB"
step=$((MESSAGES / 4))
for i in 1 2 3 4; do
  "$JAVA" "$ROOT/bench/mail-client/ApiLoad.java" "$ADMIN_PORT" "$step" "$CLIENTS" 0 >/dev/null
  rss_series="$rss_series $((i * step)):$(rss)MiB"
done
kill "$SERVICE_PID"; wait "$SERVICE_PID" 2>/dev/null || true

echo
echo "messages=$MESSAGES sessions=$SESSIONS api-clients=$CLIENTS load: $(uptime | sed 's/.*load average: //')"
printf '%-32s %10s %8s\n' "path" "msgs/s" "ratio"
printf '%-32s %10s %8s\n' "smtp-source -d (anchor)" "$anchor" "1.00"
printf '%-32s %10s %8s  failed=%s\n' "engine bulk (SmtpSession)" "$engine" \
  "$(python3 -c "print(f'{$engine / $anchor:.2f}')")" "$engine_failed"
printf '%-32s %10s %8s  accept-only=%s msgs/s, p99 POST (202 after fsync) %s ms, refused=%s\n' \
  "service API (POST..sent)" "$api" "$(python3 -c "print(f'{$api / $anchor:.2f}')")" \
  "$(rate "$MESSAGES" "$api_accept_seconds")" "$api_p99" "$api_refused"
echo "service RSS while messages wait (queued:RSS): $rss_series"
