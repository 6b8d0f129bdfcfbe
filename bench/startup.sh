#!/usr/bin/env bash
# Start-up benchmark: for each service jar, time from launch to the first 200 on /health/ready and the resident
# memory right then, median of N runs (default 5), in two configurations:
#   plain   java -jar <jar>, default JVM flags
#   netlab  the JVM options `./netlab up` uses (serial GC, -Xms16m, a class-data-sharing archive made by a first run)
# Uses the default admin ports, which must be free.   Usage: bench/startup.sh [RUNS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-5}"
JAVA="$("$ROOT/netlab" jdk --home)/bin/java"
CDS="$(mktemp -d)"
trap 'rm -rf "$CDS"' EXIT
declare -A ADMIN=([web-server]=9080 [ping-server]=9081 [ping-client]=9082 [mail-client]=9083)

median() {
  sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# One start: prints "<ms to ready> <RSS MiB>".
measure() {
  local service="$1" start pid ms rss
  shift
  start=$(date +%s%N)
  WEBSERVER_ROOT="$ROOT/web-server/www" "$JAVA" "$@" -jar "$ROOT/$service/target/$service.jar" > /dev/null 2>&1 &
  pid=$!
  until [[ "$(curl -s -o /dev/null -m 1 -w '%{http_code}' "http://127.0.0.1:${ADMIN[$service]}/health/ready")" == 200 ]]; do
    kill -0 "$pid" 2> /dev/null || { echo "$service exited before ready" >&2; exit 1; }
    sleep 0.005
  done
  ms=$((($(date +%s%N) - start) / 1000000))
  rss="$(awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status")"
  kill -TERM "$pid"
  wait "$pid" || true
  echo "$ms $rss"
}

printf '%-12s %-7s %9s %8s   %s\n' service config ready_ms rss_mib "runs (ms); median of $RUNS; $("$JAVA" -version 2>&1 | head -1)"
for service in web-server ping-server ping-client mail-client; do
  [[ -f "$ROOT/$service/target/$service.jar" ]] || { echo "missing $service.jar: ./netlab build" >&2; exit 1; }
  tuned=(-XX:+UseSerialGC -Xms16m -XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=$CDS/$service.jsa" "-Xlog:cds*=off")
  measure "$service" "${tuned[@]}" > /dev/null # creates the archive, as the first `./netlab up` does
  for config in plain netlab; do
    results=()
    for ((i = 0; i < RUNS; i++)); do
      if [[ "$config" == plain ]]; then results+=("$(measure "$service")"); else results+=("$(measure "$service" "${tuned[@]}")"); fi
    done
    printf '%-12s %-7s %9s %8s   %s\n' "$service" "$config" \
      "$(printf '%s\n' "${results[@]}" | awk '{print $1}' | median)" \
      "$(printf '%s\n' "${results[@]}" | awk '{print $2}' | median)" \
      "$(printf '%s\n' "${results[@]}" | awk '{print $1}' | tr '\n' ' ')"
  done
done
