#!/usr/bin/env bash
# Report creation on SQLite and on PostgreSQL, with one and with two server processes on
# one database, on this machine:
#
#   bash bench/scale.sh
#
# For each (backend, processes): fresh data (an SQLite file shared by the processes, or a
# fresh PostgreSQL database of the cluster scripts/postgres starts), then examples/loadgen's
# create-report (a new ~300 KB photo PUT, then the report POST: one operation) in a closed
# loop at CONCURRENCY, spread over the processes. Prints throughput and latency per setup.
# Then the write path alone on PostgreSQL: create-report-nophoto (the report POST only, naming
# one photo uploaded before the window) at WRITERS, with one and two processes.
# Knobs (environment): RUN_SECONDS (15), CONCURRENCY (16), PHOTO_POOL (3000), WRITERS (32),
# PARTS ("photo nophoto": which of the two parts to run), SERVER_BIN and LOADGEN_BIN (binaries
# to run instead of building this tree's, e.g. an older server for a before/after figure).
# Two processes on a 2-core machine share its cores with the load generator and PostgreSQL:
# the figures show what a second process costs or gains here, not on a real cluster.
#
# The write path before and after (2 cores, nothing else running; the same loadgen, 15 s
# each, four runs of each alternating; before = SERVER_BIN of a release build of the code
# before this work: one global write lock, sixteen round trips per report; after: writes side
# by side, a citizen's report one statement in one round trip), mean (range):
#   create-report-nophoto | postgres | 1 | 32 | before 938 ops/s (855-1000) | after 2879 ops/s (2721-3152) | 3.1x
#   create-report-nophoto | postgres | 2 | 32 | before 888 ops/s (805-988)  | after 3110 ops/s (2946-3310) | 3.5x
# After, the two cores are nearly full (PostgreSQL ~1.0, the server ~0.65, the load generator ~0.2).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

RUN_SECONDS=${RUN_SECONDS:-15}
CONCURRENCY=${CONCURRENCY:-16}
PHOTO_POOL=${PHOTO_POOL:-3000}
WRITERS=${WRITERS:-32}
PARTS=${PARTS:-photo nophoto}

TARGET=${CARGO_TARGET_DIR:-target}/release
SERVER=${SERVER_BIN:-$TARGET/civic-server}
LOADGEN=${LOADGEN_BIN:-$TARGET/examples/loadgen}
if [[ -z ${SERVER_BIN:-} || -z ${LOADGEN_BIN:-} ]]; then
    echo "== building (release)" >&2
    cargo build --release -p civic-server --bin civic-server --example loadgen >&2
fi
eval "$(./scripts/postgres start)"
ADMIN_URL=$CIVIC_TEST_DATABASE_URL

WORK=$(mktemp -d -t civic-scale.XXXXXX)
PIDS=()
cleanup() {
    stop_pids
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start NAME DATA_DIR DATABASE_URL: a server process; appends its URL to URLS.
start() {
    "$SERVER" --listen 127.0.0.1:0 --data-dir "$2" --database-url "$3" --requests-per-minute 100000000 \
        >"$WORK/$1.out" 2>"$WORK/$1.err" &
    PIDS+=("$!")
    local url
    url=$(listening_url "$WORK/$1.out" "$!") || { echo "$1 did not start:" >&2; cat "$WORK/$1.err" >&2; exit 1; }
    URLS="${URLS:+$URLS,}$url"
}

# measure BACKEND PROCESSES LOADGEN_ARGS…: fresh data, the processes, one loadgen run;
# appends its line to RESULTS.
measure() {
    local backend=$1 procs=$2 name="$1-$2" data db dbname line
    shift 2
    data="$WORK/$name"
    rm -rf "$data"
    mkdir -p "$data"
    if [[ $backend == sqlite ]]; then
        db="sqlite://$data/civic.sqlite3"
    else
        dbname="civic_bench_$procs"
        psql "$ADMIN_URL" -qc "DROP DATABASE IF EXISTS $dbname" -c "CREATE DATABASE $dbname" >/dev/null
        db="${ADMIN_URL%/*}/$dbname"
    fi
    URLS=""
    for p in $(seq "$procs"); do start "$name-$p" "$data" "$db"; done
    echo "== $backend, $procs process(es): $URLS $*" >&2
    line=$("$LOADGEN" "$URLS" "$@" --seconds "$RUN_SECONDS")
    echo "$line" >&2
    RESULTS+=("backend=$backend processes=$procs $line")
    stop_pids
}

RESULTS=()
if [[ " $PARTS " == *" photo "* ]]; then
    echo "== making $PHOTO_POOL photos" >&2
    "$LOADGEN" gen-photos "$WORK/photos" --count "$PHOTO_POOL"
    for backend in sqlite postgres; do
        for procs in 1 2; do
            measure "$backend" "$procs" create-report --concurrency "$CONCURRENCY" --photos "$WORK/photos"
        done
    done
fi
if [[ " $PARTS " == *" nophoto "* ]]; then
    for procs in 1 2; do
        measure postgres "$procs" create-report-nophoto --concurrency "$WRITERS"
    done
fi

field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<<" $2"; }
echo
echo "report creation: create-report = photo PUT + report POST; -nophoto = report POST only;"
echo "${RUN_SECONDS} s each, $(nproc) cores, load at the end (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg):"
printf '%-21s | %-9s | %9s | %11s | %9s | %9s | %9s | %15s | %6s\n' scenario backend processes concurrency ops/s "p50 ms" "p99 ms" \
    "report p99 ms" errors
printf '%s\n' "----------------------|-----------|-----------|-------------|-----------|-----------|-----------|-----------------|-------"
for line in "${RESULTS[@]}"; do
    printf '%-21s | %-9s | %9s | %11s | %9s | %9s | %9s | %15s | %6s\n' "$(field scenario "$line")" "$(field backend "$line")" \
        "$(field processes "$line")" "$(field concurrency "$line")" "$(field ops_per_s "$line")" "$(field p50_ms "$line")" \
        "$(field p99_ms "$line")" "$(field report_p99_ms "$line")" "$(field errors "$line")"
done
