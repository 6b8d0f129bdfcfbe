# shellcheck shell=bash
# Shared by bench/ping-client.sh and bench/ping-client-mesh.sh (sourced after ROOT and BENCH_NAME are set): a work
# directory, the processes started into PIDS stopped on exit, die, and the JDK the launcher finds.
WORK="$(mktemp -d "/tmp/${BENCH_NAME// /-}.XXXXXX")"
PIDS=()

cleanup() {
    for pid in "${PIDS[@]:-}"; do
        if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
    done
    for pid in "${PIDS[@]:-}"; do
        if [ -n "$pid" ]; then wait "$pid" 2>/dev/null || true; fi
    done
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

die() { echo "$BENCH_NAME bench: $*" >&2; exit 1; }

# The launcher finds a JDK >= 21 the same way everywhere, and says what it found when there is none.
JAVA_HOME="$("$ROOT/netlab" jdk --home)" || exit 1
export JAVA_HOME
# shellcheck disable=SC2034 # JAVA is for the sourcing script
JAVA="$JAVA_HOME/bin/java"
