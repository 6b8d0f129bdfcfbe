#!/usr/bin/env bash
# Sends one message per run through a local Exim (STARTTLS + AUTH PLAIN, delivery to a blackhole) with our
# `mail-client send` and with swaks (the anchor), and prints the mean and median wall time per send and the
# ours/anchor ratio. Loopback only, bounded (RUNS sends each), stops everything it started.
# Needs: root (Exim with -C), exim4-daemon-light, swaks, openssl, taskset; a JDK >= 21.
# Usage: bench/mail-client.sh [RUNS]   (default 20)
#        bench/mail-client.sh throughput [MESSAGES] [SESSIONS]: 10,000 messages against postfix's smtp-sink
#        (see bench/mail-client/throughput.sh)
#        bench/mail-client.sh engine [MESSAGES] [SESSIONS] [ROUNDS] [BATCH]: the engine alone next to smtp-source -d,
#        several rounds, with an optional before jar (see bench/mail-client/engine.sh)
#        bench/mail-client.sh single-ab LABEL=JAR...: the single POST, services from several jars in turn, with each
#        one's system calls per message (see bench/mail-client/single-ab.sh)
set -euo pipefail

if [ "${1:-}" = throughput ]; then
  shift
  exec "$(dirname "$0")/mail-client/throughput.sh" "$@"
fi
if [ "${1:-}" = single-ab ]; then
  shift
  exec "$(dirname "$0")/mail-client/single-ab.sh" "$@"
fi
if [ "${1:-}" = engine ]; then
  shift
  exec "$(dirname "$0")/mail-client/engine.sh" "$@"
fi

RUNS=${1:-20}
WARMUP=3
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SERVER_CPU=1
CLIENT_CPU=0

die() { echo "mail-client bench: $*" >&2; exit 1; }


[ "$(id -u)" -eq 0 ] || die "run as root (Exim is started with -C)"
EXIM=$(command -v exim4 || command -v exim || true)
[ -n "$EXIM" ] || die "exim4 is not installed (apt-get install exim4-daemon-light)"
command -v swaks >/dev/null || die "swaks is not installed (apt-get install swaks)"
command -v openssl >/dev/null || die "openssl is not installed"
command -v taskset >/dev/null || die "taskset is not installed (util-linux)"
# The launcher finds a JDK >= 21 the same way everywhere, and says what it found when there is none.
JAVA_HOME=$("$ROOT/netlab" jdk --home) || exit 1
export JAVA_HOME

echo "building mail-client..."
(cd "$ROOT" && ./mvnw -B -pl mail-client -am package -DskipTests >/dev/null) || die "build failed"
JAR="$ROOT/mail-client/target/mail-client.jar"

WORK=$(mktemp -d /tmp/mail-client-bench.XXXXXX)
EXIM_PID=
cleanup() {
  if [ -n "$EXIM_PID" ]; then kill "$EXIM_PID" 2>/dev/null || true; wait "$EXIM_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
chmod 755 "$WORK"
mkdir -p "$WORK/spool" "$WORK/log"
chown Debian-exim:Debian-exim "$WORK/spool" "$WORK/log"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" -days 1 \
  -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
chmod 644 "$WORK/key.pem"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$WORK/exim.conf" <<CONF
primary_hostname = localhost
exim_user = Debian-exim
exim_group = Debian-exim
spool_directory = $WORK/spool
log_file_path = $WORK/log/%slog
pid_file_path = $WORK/exim.pid
daemon_smtp_ports = $PORT
local_interfaces = 127.0.0.1
host_lookup =
rfc1413_hosts =
keep_environment =
tls_advertise_hosts = *
tls_certificate = $WORK/cert.pem
tls_privatekey = $WORK/key.pem
acl_smtp_rcpt = acl_check_rcpt
begin acl
acl_check_rcpt:
  accept authenticated = *
  deny message = authenticate first
begin routers
blackhole:
  driver = redirect
  data = :blackhole:
begin authenticators
PLAIN:
  driver = plaintext
  public_name = PLAIN
  server_prompts = :
  server_condition = \${if and {{eq{\$auth2}{bench}}{eq{\$auth3}{bench-pass}}}}
  server_set_id = \$auth2
  server_advertise_condition = \${if def:tls_in_cipher}
CONF
taskset -c "$SERVER_CPU" "$EXIM" -C "$WORK/exim.conf" -bdf >"$WORK/exim.out" 2>&1 &
EXIM_PID=$!
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  kill -0 "$EXIM_PID" 2>/dev/null || die "Exim exited: $(cat "$WORK/log/paniclog" 2>/dev/null)"
  sleep 0.1
done

export SMTP_PASSWORD=bench-pass
ours() {
  taskset -c "$CLIENT_CPU" "$JAVA_HOME/bin/java" -jar "$JAR" send -q --server "localhost:$PORT" \
    --ca-file "$WORK/cert.pem" --user bench --password-env SMTP_PASSWORD --from a@example.org \
    --to b@example.org --subject bench --body "benchmark message"
}
anchor() {
  taskset -c "$CLIENT_CPU" swaks --silent 2 --server "localhost:$PORT" --tls --auth PLAIN \
    --auth-user bench --auth-password bench-pass --from a@example.org --to b@example.org \
    --header "Subject: bench" --body "benchmark message"
}

# Prints the mean and median milliseconds of RUNS calls of $1 (after WARMUP untimed ones).
measure() {
  local fn=$1 start end
  local -a times=()
  for _ in $(seq 1 "$WARMUP"); do "$fn" >/dev/null || die "$fn failed during warm-up"; done
  for _ in $(seq 1 "$RUNS"); do
    start=$(date +%s%N)
    "$fn" >/dev/null || die "$fn failed"
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v name="$fn" '
    { t[NR] = $1; sum += $1 }
    END { median = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2;
          printf "%s %.1f %.1f\n", name, sum / NR / 1000, median / 1000 }'
}

echo "sending $RUNS messages each (STARTTLS + AUTH PLAIN, one recipient) through Exim on 127.0.0.1:$PORT"
read -r _ OURS_MEAN OURS_MEDIAN < <(measure ours)
read -r _ ANCHOR_MEAN ANCHOR_MEDIAN < <(measure anchor)
printf '%-28s %10s %10s\n' "client" "mean ms" "median ms"
printf '%-28s %10s %10s\n' "mail-client send (JVM)" "$OURS_MEAN" "$OURS_MEDIAN"
printf '%-28s %10s %10s\n' "swaks" "$ANCHOR_MEAN" "$ANCHOR_MEDIAN"
awk -v a="$OURS_MEAN" -v b="$ANCHOR_MEAN" -v c="$OURS_MEDIAN" -v d="$ANCHOR_MEDIAN" \
  'BEGIN { printf "ours/anchor: mean %.2f, median %.2f\n", a / b, c / d }'
