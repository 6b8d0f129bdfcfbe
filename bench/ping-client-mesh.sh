#!/usr/bin/env bash
# ping-client at mesh scale: memory, CPU and accounting with N targets at 1 probe/s, and the cost of a /metrics scrape.
#
#   bench/ping-client-mesh.sh                      # 1,000 and 5,000 targets, ~4 minutes; loopback only
#   TARGETS_LIST="10 1000" SECONDS_MEASURED=20 bench/ping-client-mesh.sh
#   JAR=/tmp/old/ping-client.jar EXTRA_FLAGS="-XX:TieredStopAtLevel=1" KEEP_DIR=/tmp/mesh bench/ping-client-mesh.sh
#
# JAR picks another build (an earlier one copied with its libs/, for a before/after in one run); EXTRA_FLAGS are added
# to the JVM flags; with KEEP_DIR set, each count also leaves there the NMT summary (the run adds
# -XX:NativeMemoryTracking=summary), the heap histogram's top 25 classes, taken after the scrapes, the resident set by
# mapping (from /proc/PID/smaps), the JIT's memory per compilation (jcmd Compiler.memory, with
# -XX:CompileCommand=MemStat,*.*,collect in EXTRA_FLAGS) and the service's log.
#
# JVM flags: the launcher's for the ping-client (./netlab: -XX:+UseSerialGC -Xms16m -XX:TrimNativeHeapInterval=1000 and
# a class-data-sharing archive, made by a first start), plus the heap this script gives per target count (HEAP_BASE_MB + HEAP_PER_1000_MB per 1,000 targets, the
# rule ping-client/README.md states) and MALLOC_ARENA_MAX=2 (unless MALLOC_ARENA_MAX is set). Per count: RSS, CPU of
# the prober over SECONDS_MEASURED after a warm-up, the live heap after a full GC, probes the reflector answered
# against probes counted lost, and 10 scrapes of /metrics (time, size, allocation from jstat) next to a quiet period;
# 10 s after the start line, the peak RSS so far (VmHWM: the start's peak) and the probes counted lost and late by then;
# after the measured window, the addresses' RTT from GET /api/targets (the median of their p50s, the 10th-90th
# percentile of those p50s, the median of their p99s: over a 30 s run an address's p99 is its slowest reply since the
# start) and the quiet window's RTT percentiles over every address's replies (from the histograms' buckets). The service's own settings pass through the environment
# (PINGCLIENT_SEND_dash_SLOT=0s, say).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TARGETS_LIST="${TARGETS_LIST:-1000 5000}"
SECONDS_MEASURED="${SECONDS_MEASURED:-30}"
HEAP_BASE_MB="${HEAP_BASE_MB:-0}"
HEAP_PER_1000_MB="${HEAP_PER_1000_MB:-32}"
SERVER_CORE="${SERVER_CORE:-0}"
CLIENT_CORE="${CLIENT_CORE:-1}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
BENCH_NAME="ping-client mesh"
# shellcheck source=bench/ping-client-lib.sh
source "$ROOT/bench/ping-client-lib.sh"
JCMD="$JAVA_HOME/bin/jcmd"
JSTAT="$JAVA_HOME/bin/jstat"
command -v curl >/dev/null || die "curl is missing"
[ -f "$ROOT/ping-client/target/ping-client.jar" ] && [ -f "$ROOT/ping-server/target/ping-server.jar" ] \
    || (cd "$ROOT" && ./mvnw -B -q -pl ping-client -am package -DskipTests) || die "build failed"
JAR="${JAR:-$ROOT/ping-client/target/ping-client.jar}"
KEEP_DIR="${KEEP_DIR:-}"
read -r -a EXTRA <<<"${EXTRA_FLAGS:-}"
LAUNCHER_FLAGS=(-XX:+UseSerialGC -Xms16m -XX:TrimNativeHeapInterval=1000 -XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=$WORK/ping-client.jsa"
    "-Xlog:cds*=off" "${EXTRA[@]}")
if [ -n "$KEEP_DIR" ]; then mkdir -p "$KEEP_DIR"; LAUNCHER_FLAGS+=(-XX:NativeMemoryTracking=summary); fi

await_line() {
    local file="$1" pattern="$2" i
    for i in $(seq 1 $((${START_WAIT_SECONDS:-120} * 10))); do
        if grep -qE "$pattern" "$file" 2>/dev/null; then grep -m1 -E "$pattern" "$file"; return 0; fi
        sleep 0.1
    done
    cat "$file" >&2
    die "no line matching '$pattern' in $file"
}

# The reflector: the ping-server jar's echo listener.
ADMIN_PORT=0 PINGSERVER_LISTENERS_ECHO_PORT=0 PINGSERVER_LISTENERS_LAB_PORT=0 PINGSERVER_LISTENERS_STAMP_PORT=0 \
    taskset -c "$SERVER_CORE" "$JAVA" -XX:+UseSerialGC -jar "$ROOT/ping-server/target/ping-server.jar" \
    >"$WORK/reflector.log" 2>&1 &
PIDS+=($!)
LINE="$(await_line "$WORK/reflector.log" 'echo=udp/')"
ECHO_PORT="$(sed -E 's/.*echo=udp\/127\.0\.0\.1:([0-9]+).*/\1/' <<<"$LINE")"
REFLECTOR_ADMIN="$(sed -E 's/.*admin=tcp\/127\.0\.0\.1:([0-9]+).*/\1/' <<<"$LINE")"
reflected() { curl -fsS "http://127.0.0.1:$REFLECTOR_ADMIN/metrics" \
    | awk '/^pingserver_packets_reflected_total\{mode="echo"\}/ {printf "%d", $2}'; }

config() {
    echo "pingclient:"
    echo "  targets:"
    for i in $(seq 1 "$1"); do
        printf '    - {host: 127.0.0.1, port: %s, mode: echo, interval: 1s, timeout: 1s, name: t%05d}\n' "$ECHO_PORT" "$i"
    done
}

# Runs "$@" while jstat samples the service's eden every 50 ms; prints the KiB allocated meanwhile: growth of eden
# in use between samples, and across a young collection what filled the eden before it plus what is in use after.
eden_allocated_during() {
    local pid="$1"; shift
    "$JSTAT" -gc "$pid" 50 >"$WORK/jstat.txt" &
    local jstat=$!
    sleep 0.3
    "$@"
    sleep 0.3
    kill "$jstat"; wait "$jstat" 2>/dev/null || true
    awk 'NR==1 {for (i = 1; i <= NF; i++) col[$i] = i; next}
        $1 ~ /^[0-9.]+$/ {ec = $col["EC"]; eu = $col["EU"]; gc = $col["YGC"] + $col["FGC"]
            if (seen) { total += (gc > pgc) ? (pec - peu) + eu : eu - peu }
            seen = 1; pec = ec; peu = eu; pgc = gc}
        END {printf "%d", total}' "$WORK/jstat.txt"
}
scrape_ten() {
    for i in $(seq 1 10); do
        curl -fsS -o "$WORK/metrics.txt" -w '%{time_total} ' "http://127.0.0.1:$1/metrics" >>"$WORK/scrape-times.txt"
        if [ "$i" = 1 ]; then cp "$WORK/metrics.txt" "$WORK/metrics-first.txt"; fi
    done
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# A first start writes the class-data-sharing archive, as the launcher's first start does.
config 1 >"$WORK/one.yaml"
ADMIN_PORT=0 "$JAVA" "${LAUNCHER_FLAGS[@]}" -jar "$JAR" --config "$WORK/one.yaml" >"$WORK/cds.log" 2>&1 &
CDS_PID=$!
await_line "$WORK/cds.log" 'admin=tcp/' >/dev/null
kill "$CDS_PID"; wait "$CDS_PID" 2>/dev/null || true

printf '%-8s %8s %9s %8s %8s %9s %9s %7s %9s %10s %10s %12s\n' targets heap "RSS MiB" "CPU %" "live MiB" \
    sent "reflected" lost "late" "scrape ms" "scrape MiB" "alloc MiB/s"
for n in $TARGETS_LIST; do
    heap=$((HEAP_BASE_MB + HEAP_PER_1000_MB * n / 1000))
    config "$n" >"$WORK/mesh.yaml"
    before="$(reflected)"
    ADMIN_PORT=0 taskset -c "$CLIENT_CORE" "$JAVA" "${LAUNCHER_FLAGS[@]}" "-Xmx${heap}m" -jar "$JAR" \
        --config "$WORK/mesh.yaml" >"$WORK/service.log" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    started="$(await_line "$WORK/service.log" 'admin=tcp/')"
    echo "         ${started%% admin=*}"
    admin="$(sed -E 's/.*admin=tcp\/127\.0\.0\.1:([0-9]+).*/\1/' <<<"$started")"
    sleep 10
    curl -fsS -o "$WORK/metrics-start.txt" "http://127.0.0.1:$admin/metrics"
    # The start's peak: the process's RSS high-water mark 10 s after the start line, and what it counted by then.
    awk -v hwm="$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$pid/status")" \
        '/^pingclient_packets_(sent|lost|late)_total\{/ {split($1, n, "{"); t[n[1]] += $2}
         END {printf "         10 s after the start line: peak RSS %s MiB, sent %d, lost %d, late %d\n", hwm,
              t["pingclient_packets_sent_total"], t["pingclient_packets_lost_total"], t["pingclient_packets_late_total"]}' \
        "$WORK/metrics-start.txt"
    t0=$(cpu_ticks "$pid"); s0=$(date +%s.%N)
    quiet=$(eden_allocated_during "$pid" sleep "$SECONDS_MEASURED")
    t1=$(cpu_ticks "$pid"); s1=$(date +%s.%N)
    rss=$(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status")
    curl -fsS -o "$WORK/targets.json" "http://127.0.0.1:$admin/api/targets"
    # Ten scrapes back to back: time each, and the allocation above the quiet period's rate.
    : >"$WORK/scrape-times.txt"; s2=$(date +%s.%N)
    scraping=$(eden_allocated_during "$pid" scrape_ten "$admin")
    s3=$(date +%s.%N); scrape_ms="$(cat "$WORK/scrape-times.txt")"
    series=$(grep -vc '^#' "$WORK/metrics.txt")
    "$JCMD" "$pid" GC.class_histogram >"$WORK/histogram.txt"
    live=$(awk '/^Total/ {printf "%.1f", $3 / 1048576}' "$WORK/histogram.txt")
    if [ -n "$KEEP_DIR" ]; then
        head -28 "$WORK/histogram.txt" >"$KEEP_DIR/histogram-$n.txt"
        "$JCMD" "$pid" VM.native_memory summary >"$KEEP_DIR/nmt-$n.txt"
        # RSS by kind (anonymous, file-backed) and by mapping, largest first: what NMT's "committed" does not say.
        cat "/proc/$pid/status" >"$KEEP_DIR/status-$n.txt"
        awk '/^[0-9a-f]+-[0-9a-f]+ / {name = (NF >= 6) ? $6 : "anon " $1} /^Rss:/ {rss[name] += $2}
             END {for (m in rss) printf "%8d KiB %s\n", rss[m], m}' "/proc/$pid/smaps" | sort -nr | head -30 \
            >"$KEEP_DIR/smaps-$n.txt"
        cp "$WORK/metrics.txt" "$KEEP_DIR/metrics-$n.txt"
        cp "$WORK/metrics-start.txt" "$KEEP_DIR/metrics-start-$n.txt"
        "$JCMD" "$pid" Compiler.memory >"$KEEP_DIR/compiler-memory-$n.txt" 2>&1 || true
    fi
    kill "$pid"; wait "$pid" 2>/dev/null || true
    if [ -n "$KEEP_DIR" ]; then cp "$WORK/service.log" "$KEEP_DIR/service-$n.log"; fi
    after="$(reflected)"
    python3 - "$n" "$heap" "$rss" "$t0" "$t1" "$s0" "$s1" "$live" "$((after - before))" "$WORK/metrics.txt" \
        "$scrape_ms" "$quiet" "$scraping" "$s2" "$s3" "$series" "$(getconf CLK_TCK)" "$WORK/metrics-start.txt" \
        "$WORK/metrics-first.txt" "$WORK/targets.json" <<'PY'
import json, re, statistics, sys
(n, heap, rss, t0, t1, s0, s1, live, reflected, metrics, scrapes, quiet, scraping, s2, s3, series, hz,
 start, first, targets) = sys.argv[1:]

def rtts(node):
    """Every address's rtt_ms statistics in GET /api/targets (recent replies, stats-window of them)."""
    if isinstance(node, dict):
        if isinstance(node.get('rtt_ms'), dict) and node['rtt_ms'].get('p50') is not None:
            yield node['rtt_ms']
        for value in node.values():
            yield from rtts(value)
    elif isinstance(node, list):
        for value in node:
            yield from rtts(value)

def slow(path):
    """Replies received and those slower than 10 ms (the le="0.01" bucket), summed over addresses."""
    count = fast = 0.0
    for line in open(path):
        if line.startswith('pingclient_rtt_seconds_count{'):
            count += float(line.split()[-1])
        elif line.startswith('pingclient_rtt_seconds_bucket{') and 'le="0.01"' in line:
            fast += float(line.split()[-1])
    return count, count - fast
total = {}
for line in open(metrics):
    m = re.match(r'(pingclient_packets_(?:sent|lost|late)_total)\{.*\} (\S+)', line)
    if m:
        total[m.group(1)] = total.get(m.group(1), 0) + float(m.group(2))
cpu = 100 * (float(t1) - float(t0)) / float(hz) / (float(s1) - float(s0))
times = [float(x) * 1000 for x in scrapes.split()]
quiet_rate = int(quiet) / (float(s1) - float(s0))          # KiB/s while only probing
scrape_alloc = (int(scraping) - quiet_rate * (float(s3) - float(s2) + 0.6)) / 10 / 1024
print(f"{n:<8} {heap + 'm':>8} {rss:>9} {cpu:8.2f} {live:>8} {int(total['pingclient_packets_sent_total']):>9} "
      f"{reflected:>9} {int(total['pingclient_packets_lost_total']):>7} {int(total['pingclient_packets_late_total']):>9} "
      f"{statistics.median(times):10.1f} {scrape_alloc:10.1f} {quiet_rate / 1024:12.2f}   ({series} series,"
      f" scrape max {max(times):.0f} ms)")
stats = list(rtts(json.load(open(targets))))
if stats:
    p50 = sorted(1000 * r['p50'] for r in stats)
    p99 = sorted(1000 * r['p99'] for r in stats)
    print(f"         RTT per address ({len(stats)}): median of p50 {statistics.median(p50):.0f} us"
          f" (addresses' p50 from {p50[len(p50) // 10]:.0f} to {p50[len(p50) * 9 // 10]:.0f} us, 10th-90th),"
          f" median of p99 {statistics.median(p99):.0f} us")
(c0, s0_), (c1, s1_), (c2, s2_) = slow(start), slow(first), slow(metrics)
print(f"         replies over 10 ms: quiet window {int(s1_ - s0_)} of {int(c1 - c0)},"
      f" scrape window {int(s2_ - s1_)} of {int(c2 - c1)}")

def buckets(path):
    """Every address's RTT histogram summed: {upper bound in seconds: cumulative count}."""
    summed = {}
    for line in open(path):
        if line.startswith('pingclient_rtt_seconds_bucket{'):
            bound = re.search(r'le="([^"]+)"', line).group(1)
            bound = float('inf') if bound == '+Inf' else float(bound)
            summed[bound] = summed.get(bound, 0) + float(line.split()[-1])
    return summed
b0, b1 = buckets(start), buckets(first)
window = {bound: b1[bound] - b0.get(bound, 0) for bound in b1}
replies = window.get(float('inf'), 0)
if replies:
    def at(q):
        return next(f"{b * 1e3:g} ms" for b in sorted(window) if window[b] >= q * replies)
    print(f"         quiet window, all addresses' replies: p50 <= {at(0.5)}, p99 <= {at(0.99)},"
          f" p99.9 <= {at(0.999)} (histogram bounds)")
PY
done
echo
echo "($(nproc) cores, $(uname -r), load: $(uptime | sed 's/.*load average: //'); shared machine, figures are noisy;" \
     "MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX)"
