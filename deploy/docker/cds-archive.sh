#!/usr/bin/env bash
# Image build step: starts SERVICE once on port 0 with its jar, waits for its start line, stops it with SIGTERM and
# leaves the class-data-sharing archive the JVM writes at exit in ARCHIVE. Usage: cds-archive.sh SERVICE ARCHIVE
set -euo pipefail
service="$1" archive="$2"
work="$(mktemp -d)"
# Every listener on a free loopback port, so the build binds no fixed port.
export ADMIN_PORT=0
case "$service" in
  web-server) export WEBSERVER_PORT=0 WEBSERVER_ROOT="$work" ;;
  ping-server) export PINGSERVER_LISTENERS_LAB_PORT=0 PINGSERVER_LISTENERS_ECHO_PORT=0 PINGSERVER_LISTENERS_STAMP_PORT=0 ;;
  ping-client) ;;
  mail-client) export MAILCLIENT_OUTBOX_DIR="$work/outbox" HOME="$work" ;;
  *) echo "cds-archive.sh: unknown service '$service'" >&2; exit 2 ;;
esac
java -XX:+UseSerialGC "-XX:ArchiveClassesAtExit=$archive" -Xlog:cds=off -Xlog:cds+dynamic=off \
  -jar /app/service.jar > "$work/out" 2>&1 &
pid=$!
for _ in $(seq 1200); do
  grep -q " started in " "$work/out" && break
  kill -0 "$pid" 2> /dev/null || break
  sleep 0.1
done
grep -q " started in " "$work/out" || { echo "cds-archive.sh: $service did not start:" >&2; cat "$work/out" >&2; exit 1; }
kill -TERM "$pid"
wait "$pid" || { echo "cds-archive.sh: $service did not stop cleanly:" >&2; cat "$work/out" >&2; exit 1; }
[[ -s "$archive" ]] || { echo "cds-archive.sh: no archive written:" >&2; cat "$work/out" >&2; exit 1; }
rm -rf "$work"
