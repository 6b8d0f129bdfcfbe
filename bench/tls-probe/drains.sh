#!/usr/bin/env bash
# Where the TLS tail comes from (issue 23): ours with its TLS listener and nginx, 1 KiB keep-alive, 64 connections,
# pinned (server CPU 0, wrk -t1 CPU 1). Two rounds: ours over TLS and over plain HTTP, each with a JFR recording of
# jdk.ThreadPark (threshold 0: the scheduler watch's own parks show each drain) and jdk.VirtualThreadPinned, then
# nginx over TLS and ours over TLS without JFR. Summarise each recording with:
#   jfr print --json --stack-depth 8 $OUT/tls-1.jfr > tls-1.json && python3 bench/tls-probe/drains.py tls-1.json
# Run under the bench lock: flock -w 240 /tmp/netlab-bench.lock /work/wt/quiet bench/tls-probe/drains.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")/../.." && pwd)
BENCH="tls probe"; SERVER_CPU=0; CLIENT_CPU=1
. "$HERE/bench/web-server-lib.sh"
OUT=${OUT:-/tmp/tls-probe}; mkdir -p "$OUT"
web_bench_setup openssl
make_tls_cert
set_shape pinned
PORT[ours-tls]=$(free_port); PORT[nginx-tls]=$(free_port)
start_ours; start_nginx
echo "load at start: $(load_average)"
SCHEME=https latency ours-tls 1k 64 10 >/dev/null; latency ours 1k 64 5 >/dev/null
SCHEME=https latency nginx-tls 1k 64 5 >/dev/null
PID=${PID_OF[ours]}
for round in 1 2; do
  for row in tls plain; do
    "$JDK/bin/jcmd" "$PID" JFR.start name=r settings=$HERE/bench/tls-probe/park.jfc filename="$OUT/$row-$round.jfr" >/dev/null
    if [ $row = tls ]; then r=$(SCHEME=https latency ours-tls 1k 64 5); else r=$(latency ours 1k 64 5); fi
    "$JDK/bin/jcmd" "$PID" JFR.stop name=r >/dev/null
    echo "round $round ours-$row (JFR parks): $r"
  done
  echo "round $round nginx-tls: $(SCHEME=https latency nginx-tls 1k 64 5) ($(load_average))"
  echo "round $round ours-tls (no JFR): $(SCHEME=https latency ours-tls 1k 64 5)"
done
stop_servers
echo "load at end: $(load_average)"
