#!/usr/bin/env bash
# The single POST, service against service: for each LABEL=JAR in the order given (e.g. A=before.jar B=after.jar
# B=after.jar A=before.jar), one service from that jar (the launcher's JVM options, a relay to smtp-sink, 4 delivery
# workers, pinned to CPU 0) warmed with WARM x 10,000 single POSTs, then ROUNDS x (the anchor `smtp-source -d -s 4
# -m 10000 -l 120` on CPU 0; ApiLoad's 10,000 single POSTs from 32 clients on CPU 1, POST..sent), each round's
# ratio, p99 per POST and the service's CPU per message inside ApiLoad's window; then one untimed window of 10,000
# under `perf record -e raw_syscalls:sys_enter` and the service's system calls per message by thread and call
# (bench/mail-client/syscalls.pl). Loopback only; stops everything it started. Needs root, taskset, perf, python3.
# POSTFIX_DIR: an unpacked postfix package (usr/sbin/smtp-sink under it) instead of `apt-get download postfix`.
# OUT: where each service's outbox, log and perf data go (default a new directory under /tmp, kept).
# Usage: [ROUNDS=2] [WARM=6] bench/mail-client.sh single-ab LABEL=JAR...
set -u
ROUNDS=${ROUNDS:-2}; WARM=${WARM:-6}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
die() { echo "mail-client single-ab: $*" >&2; exit 1; }
[ "$#" -gt 0 ] || die "usage: bench/mail-client.sh single-ab LABEL=JAR..."
JAVA_HOME=$("$ROOT/netlab" jdk --home) || exit 1
JAVA="$JAVA_HOME/bin/java"
OPTS=(-XX:+UseParallelGC -Xms16m -XX:MaxNewSize=64m -XX:-TieredCompilation)
# The load client with C1 alone, as in throughput.sh (its C2 compiles cost the core smtp-sink shares).
CLIENT_OPTS=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
OUT=${OUT:-$(mktemp -d /tmp/mail-single-ab.XXXXXX)}; mkdir -p "$OUT"
if [ -n "${POSTFIX_DIR:-}" ]; then
  export LD_LIBRARY_PATH="$POSTFIX_DIR/usr/lib/postfix"
  SINK="$POSTFIX_DIR/usr/sbin/smtp-sink"; SOURCE="$POSTFIX_DIR/usr/sbin/smtp-source"
else
  # shellcheck source=bench/mail-client/postfix-tools.sh
  . "$ROOT/bench/mail-client/postfix-tools.sh"
  fetch_postfix "$OUT"
fi
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
py() { python3 -c "print($1)"; }
SP=$(port)
taskset -c 1 "$SINK" -u nobody -c "127.0.0.1:$SP" 1024 >/dev/null 2>&1 & PIDS+=($!)
sleep 0.5
anchor() {
  local s e
  s=$(date +%s.%N)
  taskset -c 0 "$SOURCE" -d -s 4 -m 10000 -l 120 -f a@example.org -t b@example.org "127.0.0.1:$SP"
  e=$(date +%s.%N)
  py "f'{10000/($e-$s):.0f}'"
}
n=0
for entry in "$@"; do
  n=$((n + 1)); LABEL=${entry%%=*}; JAR=${entry#*=}
  [ -f "$JAR" ] || die "$JAR is not a file"
  W="$OUT/$n-$LABEL"; mkdir -p "$W"
  cat > "$W/c.yaml" <<Y
admin: {port: 0}
mailclient:
  relay: {server: "127.0.0.1:$SP", tls: none}
  outbox: {dir: "$W/outbox"}
  delivery: {concurrency: 4}
Y
  taskset -c 0 "$JAVA" "${OPTS[@]}" -jar "$JAR" --config "$W/c.yaml" >"$W/service.log" 2>&1 & SPID=$!; PIDS+=("$SPID")
  for _ in $(seq 200); do grep -q "started in" "$W/service.log" && break; sleep 0.1; done
  AP=$(sed -n 's/.*admin=tcp\/127.0.0.1:\([0-9]*\).*/\1/p' "$W/service.log" | head -1)
  [ -n "$AP" ] || die "the service did not start: $(cat "$W/service.log")"
  apiload() {
    APILOAD_SERVICE_PID=$SPID taskset -c 1 "$JAVA" "${CLIENT_OPTS[@]}" "$ROOT/bench/mail-client/ApiLoad.java" "$AP" "$@"
  }
  for i in $(seq "$WARM"); do
    read -r _ _ tot _ _ _ scpu sjit _ < <(apiload 10000 32 1)
    echo "$n $LABEL warm $i: $(py "f'{10000/$tot:.0f}'") msg/s, JIT share $(py "f'{100*$sjit/max(1,$scpu):.1f}'")%," \
      "service $(py "f'{$scpu/10000:.3f}'") ms/msg"
  done
  for r in $(seq "$ROUNDS"); do
    A=$(anchor)
    read -r _ _ tot ref p99 _ scpu sjit cwin < <(apiload 10000 32 1)
    echo "$n $LABEL round $r $(date -u +%T) anchor $A: POST..sent $(py "f'{10000/$tot:.0f} msg/s = {10000/$tot/$A:.2f}x'")," \
      "p99 $p99 ms, refused $ref, service $(py "f'{$scpu/10000:.3f}'") ms/msg (JIT $(py "f'{$sjit/10000:.3f}'"))," \
      "client $(py "f'{$cwin*1000/10000:.3f}'") ms/POST"
  done
  perf record -e raw_syscalls:sys_enter -p "$SPID" -o "$W/sys.data" >/dev/null 2>&1 & PERF=$!
  sleep 0.5
  read -r _ _ tot _ _ _ scpu _ _ < <(apiload 10000 32 1)
  kill -INT $PERF; wait $PERF
  for t in "/proc/$SPID/task/"*; do echo "$(basename "$t") $(cat "$t/comm")"; done > "$W/threads.txt"
  echo "$n $LABEL counted window: $(py "f'{10000/$tot:.0f}'") msg/s, service $(py "f'{$scpu/10000:.3f}'") ms/msg;" \
    "system calls per message: $(perl "$ROOT/bench/mail-client/syscalls.pl" "$W" | tr '\n' ';')"
  kill "$SPID"; wait "$SPID" 2>/dev/null
done
echo "end $(date -u +%T); files in $OUT"
