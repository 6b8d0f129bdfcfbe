#!/usr/bin/env bash
# The engine alone against postfix's smtp-sink, next to postfix's smtp-source -d with the same sessions, ROUNDS times
# in turn (anchor, then each engine variant): MESSAGES small messages over SESSIONS connections kept for many
# messages. Engine variants (bench/mail-client/BulkSend.java, one JVM each, warm-up rounds until the JIT settles):
#   send      SmtpSession.send per message (as the service's delivery workers), RSET pipelined into the next group
#   sendAll   SmtpSession.sendAll with BATCH messages per call: each group written behind the previous data
#   sendAll platform   the same on platform threads instead of virtual ones
#   before    (only with BENCH_MAIL_JAR_BEFORE=jar) send and sendAll with that older jar, for a before/after run
# Prints messages/s, the ratio to smtp-source in the same round, client CPU per message (the JVM's CPU time in
# the timed round; smtp-source's from GNU time) and the sink's (from /proc, whole run: the warm-up included for ours). Clients on CPU 0, the sink on CPU 1. Loopback only; stops what it started.
# Needs: root (smtp-sink drops to nobody), apt-get, dpkg, taskset, python3, GNU time, a JDK >= 21; the jar built beforehand
# (./mvnw -B -o -pl mail-client -am package -DskipTests), given as BENCH_MAIL_JAR (default mail-client/target).
# Usage: [BENCH_MAIL_JAR=jar] [BENCH_MAIL_JAR_BEFORE=jar] bench/mail-client.sh engine [MESSAGES] [SESSIONS] [ROUNDS] [BATCH]
#        (default 10000 4 3 32)
set -euo pipefail

MESSAGES=${1:-10000}
SESSIONS=${2:-4}
ROUNDS=${3:-3}
BATCH=${4:-32}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SINK_CPU=1
CLIENT_CPU=0

die() { echo "mail-client engine bench: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (smtp-sink is started with -u nobody)"
command -v taskset >/dev/null || die "taskset is not installed (util-linux)"
command -v python3 >/dev/null || die "python3 is not installed"
[ -x /usr/bin/time ] || die "GNU time is not installed (apt-get install time)"
JAVA_HOME=$("$ROOT/netlab" jdk --home) || exit 1
JAVA="$JAVA_HOME/bin/java"
JAR=${BENCH_MAIL_JAR:-$ROOT/mail-client/target/mail-client.jar}
[ -f "$JAR" ] || die "$JAR is not a file: build it first or set BENCH_MAIL_JAR"
BEFORE=${BENCH_MAIL_JAR_BEFORE:-}
[ -z "$BEFORE" ] || [ -f "$BEFORE" ] || die "BENCH_MAIL_JAR_BEFORE=$BEFORE is not a file"

WORK=$(mktemp -d /tmp/mail-client-engine.XXXXXX)
SINK_PID=
cleanup() {
  if [ -n "$SINK_PID" ]; then kill "$SINK_PID" 2>/dev/null || true; wait "$SINK_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck source=bench/mail-client/postfix-tools.sh
. "$ROOT/bench/mail-client/postfix-tools.sh"
fetch_postfix "$WORK"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
taskset -c "$SINK_CPU" "$SINK" -u nobody -c "127.0.0.1:$PORT" 1024 >/dev/null 2>&1 &
SINK_PID=$!
for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done

# smtp-source: wall seconds and CPU seconds (user + system, from GNU time).
anchor() {
  /usr/bin/time -f '%e %U %S' -o "$WORK/anchor.time" taskset -c "$CLIENT_CPU" "$SOURCE" \
    -d -s "$SESSIONS" -m "$MESSAGES" -l 120 -f a@example.org -t b@example.org "127.0.0.1:$PORT" \
    || die "smtp-source failed"
  awk '{print $1, $2 + $3}' "$WORK/anchor.time"
}

# One engine variant: jar, batch, threads (virtual or platform) -> "seconds cpu-seconds failed warm-up-messages".
engine() {
  local out
  out=$(taskset -c "$CLIENT_CPU" "$JAVA" -cp "$1" "$ROOT/bench/mail-client/BulkSend.java" 127.0.0.1 "$PORT" \
    "$MESSAGES" "$SESSIONS" "$3" "$2" 2>"$WORK/engine.err") || die "BulkSend failed: $(cat "$WORK/engine.err")"
  read -r _ seconds failed cpu <<<"$out"
  echo "$seconds $cpu $failed $(awk '/^warm-up:/ {print $2 * 5000}' "$WORK/engine.err")"
}

# The sink's CPU time so far, in clock ticks (user + system).
sink_ticks() { awk '{print $14 + $15}' "/proc/$SINK_PID/stat"; }
TICK=$(getconf CLK_TCK)

row() {  # name seconds cpu anchor-seconds failed sink-ticks-before [messages the sink served]
  local served=${7:-$MESSAGES}
  python3 -c "
m=$MESSAGES; s=$2; c=$3; a=$4; sink=($(sink_ticks) - $6) / $TICK
print(f'%-34s %10.0f %7.2f %10.1f %10.1f  %s' % ('$1', m / s, a / s, c / m * 1e6, sink / $served * 1e6,
      '${5:+failed=$5}' if '$5' not in ('', '0') else ''))"
}

echo "messages=$MESSAGES sessions=$SESSIONS batch=$BATCH jar=$JAR${BEFORE:+ before=$BEFORE}"
echo "load at start: $(uptime | sed 's/.*load average: //')"
printf '%-34s %10s %7s %10s %10s\n' "round / path" "msgs/s" "ratio" "CPU us/msg" "sink us/msg"
# One engine variant's row: name jar batch [threads]; the sink also served the warm-up rounds (their count on stderr).
engine_row() {
  local t0 sec cpu failed
  t0=$(sink_ticks)
  read -r sec cpu failed warm < <(engine "$2" "$3" "${4:-virtual}")
  row "$1" "$sec" "$cpu" "$a_sec" "$failed" "$t0" $((MESSAGES + warm))
}
for round in $(seq 1 "$ROUNDS"); do
  t0=$(sink_ticks)
  read -r a_sec a_cpu < <(anchor)
  row "$round smtp-source -d (anchor)" "$a_sec" "$a_cpu" "$a_sec" "" "$t0"
  if [ -n "$BEFORE" ]; then
    engine_row "$round engine before: send" "$BEFORE" 1
    engine_row "$round engine before: sendAll" "$BEFORE" "$BATCH"
  fi
  engine_row "$round engine send" "$JAR" 1
  engine_row "$round engine sendAll (batch $BATCH)" "$JAR" "$BATCH"
  engine_row "$round engine sendAll platform" "$JAR" "$BATCH" platform
done
echo "load at end: $(uptime | sed 's/.*load average: //')"
