#!/usr/bin/env bash
# Where one answer's time goes, ours next to nginx (a diagnostic, not a benchmark of record): each server on
# SERVER_CPU, wrk -t1 with CONNECTIONS connections on CLIENT_CPU, ROW as in bench/web-server-pair.sh. After WARMUP
# seconds on each server, one SECONDS-long measurement per server prints, per answer: the busy time of both CPUs from
# /proc/stat (user, system, softirq: a close row is bound by whichever CPU is full), the server's CPU by thread
# (/proc/PID/task: carriers, C2, the JDK's poller), and with STAT=yes its system calls and context switches
# (perf stat on the syscalls:sys_enter_* tracepoints; this slows the server, so its requests/s are not figures).
# PROFILE=yes then records ours with perf record -g for SECONDS more (perf map from jcmd Compiler.perfmap) and
# prints the top of the report; the data stays in OUT.
#   BUILD=/tmp/before ROW=1k-close bench/web-server-profile.sh
# BUILD is a directory holding web-server.jar, libs/ and optionally java-opts (as for bench/web-server-ab.sh).
set -euo pipefail

BUILD=${BUILD:?BUILD: a directory holding web-server.jar and libs/}
ROW=${ROW:-1k-close}
WARMUP=${WARMUP:-8}
SECONDS_EACH=${SECONDS_EACH:-5}
CONNECTIONS=${CONNECTIONS:-64}
STAT=${STAT:-yes}
PROFILE=${PROFILE:-no}
OUT=${OUT:-/tmp/web-server-profile}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
HERE=$(cd "$(dirname "$0")/.." && pwd)
BENCH="web-server profile"
# shellcheck source=bench/web-server-lib.sh
. "$HERE/bench/web-server-lib.sh"

case $ROW in 1k | 64k | 1k-close | 64k-close) ;; *) die "ROW must be 1k, 64k, 1k-close or 64k-close" ;; esac
FILE=1k
case $ROW in 64k*) FILE=64k ;; esac
HEADER="X-Row: keep-alive"
case $ROW in *-close) HEADER="Connection: close" ;; esac
[ -f "$BUILD/web-server.jar" ] || die "no web-server.jar in $BUILD"
command -v perf >/dev/null || [ "$STAT$PROFILE" = nono ] || die "perf not found (apt-get install linux-perf)"
# shellcheck disable=SC2119 # no tool beyond the usual ones
web_bench_setup
set_shape pinned
build_opts=""
if [ -f "$BUILD/java-opts" ]; then build_opts=$(cat "$BUILD/java-opts"); fi
JAVA_OPTS="$build_opts -XX:+UnlockDiagnosticVMOptions -XX:+PreserveFramePointer" JAR="$BUILD/web-server.jar" start_ours
start_nginx
PID_OF[nginx]=${PID_OF[nginx-worker]}

# load SERVER SECONDS: wrk's requests/s against it.
load() {
    "${CLIENT_PREFIX[@]}" wrk -t1 -c"$CONNECTIONS" -d"$2s" -H "$HEADER" "http://127.0.0.1:${PORT[$1]}/$FILE.bin" \
        | awk '/Requests\/sec/ { print $2 }'
}
# threads PID: "tid:name ticks" per thread, sorted for join.
threads() {
    local task
    for task in /proc/"$1"/task/*; do
        printf '%s:%s\t%s\n' "${task##*/}" "$(tr ' ' _ < "$task/comm")" "$(awk '{ print $14 + $15 }' "$task/stat")"
    done | sort
}

echo "$(date -u) ($(load_average)), row $ROW, build $BUILD${build_opts:+ ($build_opts)}"
for server in ours nginx; do load "$server" "$WARMUP" > /dev/null; done
events=$(perf list 2>/dev/null | awk '/syscalls:sys_enter_/ { print $1 }' | paste -sd, -)
ticks=$(getconf CLK_TCK)
for server in ours nginx; do
    pid=${PID_OF[$server]}
    threads "$pid" > "$WORK/threads-before"
    stat_pid=""
    if [ "$STAT" = yes ]; then
        perf stat -x, -e "$events,context-switches" -p "$pid" -o "$WORK/stat" -- sleep "$SECONDS_EACH" &
        stat_pid=$!
    fi
    grep -E "^cpu($SERVER_CPU|$CLIENT_CPU) " /proc/stat > "$WORK/cpu-before"
    rate=$(load "$server" "$SECONDS_EACH")
    grep -E "^cpu($SERVER_CPU|$CLIENT_CPU) " /proc/stat > "$WORK/cpu-after"
    if [ -n "$stat_pid" ]; then wait "$stat_pid"; fi
    threads "$pid" > "$WORK/threads-after"
    answers=$(awk -v r="$rate" -v s="$SECONDS_EACH" 'BEGIN { print r * s }')
    echo "== $server: $rate requests/s${stat_pid:+ (perf stat attached)}"
    # /proc/stat: user nice system idle iowait irq softirq, in ticks.
    paste "$WORK/cpu-before" "$WORK/cpu-after" | awk -v n="$answers" -v t="$ticks" '{
        u = ($13 - $2) + ($14 - $3); s = $15 - $4; si = $19 - $8; busy = u + s + ($18 - $7) + si
        idle = ($16 - $5) + ($17 - $6); f = 1e6 / t / n
        printf "  %s %3.0f%% busy; per answer %5.1f us (user %.1f, system %.1f, softirq %.1f)\n",
            $1, 100 * busy / (busy + idle), busy * f, u * f, s * f, si * f }'
    join -t $'\t' "$WORK/threads-before" "$WORK/threads-after" | awk -F '\t' -v n="$answers" -v t="$ticks" '{
        d = $3 - $2; if (d > 0) printf "  thread %-30s %6.2f us per answer\n", $1, d * 1e6 / t / n }' | sort -k3 -rn | head -8
    if [ "$STAT" = yes ]; then
        awk -F, -v n="$answers" '$1 ~ /^[0-9]+$/ && $1 > 0 { sub("syscalls:sys_enter_", "", $3)
            printf "  %-18s %7.3f per answer\n", $3, $1 / n }' "$WORK/stat" | sort -k2 -rn | head -16
    fi
done
if [ "$PROFILE" = yes ]; then
    mkdir -p "$OUT"
    pid=${PID_OF[ours]}
    perf record -F 2999 -g -p "$pid" -o "$OUT/perf.data" -- sleep "$SECONDS_EACH" 2>/dev/null &
    record=$!
    rate=$(load ours "$SECONDS_EACH")
    wait "$record"
    "$JDK/bin/jcmd" "$pid" Compiler.perfmap > /dev/null 2>&1 || echo "no perf map: Java frames stay addresses" >&2
    echo "== ours under perf record: $rate requests/s; $OUT/perf.data (map /tmp/perf-$pid.map)"
    perf report -i "$OUT/perf.data" --no-children --sort comm,dso -q -g none 2>/dev/null > "$WORK/by-dso" || true
    perf report -i "$OUT/perf.data" --no-children --sort sym -q -g none 2>/dev/null > "$WORK/by-symbol" || true
    head -12 "$WORK/by-dso"
    head -30 "$WORK/by-symbol"
fi
echo "$(date -u) ($(load_average))"
