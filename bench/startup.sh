#!/usr/bin/env bash
# Start-up benchmark: for each service jar, time from launch to the first 200 on /health/ready and the resident
# memory right after (median of N runs, default 5). Uses the default admin ports, which must be free.
#   bench/startup.sh [RUNS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-5}"
JAVA="$("$ROOT/netlab" jdk | awk '{print $1}')/bin/java"
declare -A ADMIN=([web-server]=9080 [ping-server]=9081 [ping-client]=9082 [mail-client]=9083)

median() {
  sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

printf '%-12s %14s %12s   (median of %d; %s)\n' service ready_ms rss_mib "$RUNS" "$("$JAVA" -version 2>&1 | head -1)"
for service in web-server ping-server ping-client mail-client; do
  jar="$ROOT/$service/target/$service.jar"
  [[ -f "$jar" ]] || { echo "missing $jar: ./netlab build" >&2; exit 1; }
  times=() rss=()
  for ((i = 0; i < RUNS; i++)); do
    start=$(date +%s%N)
    WEBSERVER_ROOT="$ROOT/web-server/www" "$JAVA" -jar "$jar" > /dev/null 2>&1 &
    pid=$!
    until [[ "$(curl -s -o /dev/null -m 1 -w '%{http_code}' "http://127.0.0.1:${ADMIN[$service]}/health/ready")" == 200 ]]; do
      kill -0 "$pid" 2> /dev/null || { echo "$service exited before ready" >&2; exit 1; }
      sleep 0.005
    done
    times+=($((($(date +%s%N) - start) / 1000000)))
    rss+=("$(awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status")")
    kill -TERM "$pid"
    wait "$pid" || true
  done
  printf '%-12s %14s %12s   runs: %s\n' "$service" "$(printf '%s\n' "${times[@]}" | median)" \
    "$(printf '%s\n' "${rss[@]}" | median)" "${times[*]}"
done
