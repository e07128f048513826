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
# Knobs (environment): RUN_SECONDS (15), CONCURRENCY (16), PHOTO_POOL (3000).
# Two processes on a 2-core machine share its cores with the load generator and PostgreSQL:
# the figures show what a second process costs or gains here, not on a real cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

RUN_SECONDS=${RUN_SECONDS:-15}
CONCURRENCY=${CONCURRENCY:-16}
PHOTO_POOL=${PHOTO_POOL:-3000}

echo "== building (release)" >&2
cargo build --release -p civic-server --bin civic-server --example loadgen >&2
TARGET=${CARGO_TARGET_DIR:-target}/release
SERVER=$TARGET/civic-server
LOADGEN=$TARGET/examples/loadgen
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

echo "== making $PHOTO_POOL photos" >&2
"$LOADGEN" gen-photos "$WORK/photos" --count "$PHOTO_POOL"

RESULTS=()
for backend in sqlite postgres; do
    for procs in 1 2; do
        name="$backend-$procs"
        data="$WORK/$name"
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
        echo "== $backend, $procs process(es): $URLS" >&2
        line=$("$LOADGEN" "$URLS" create-report --concurrency "$CONCURRENCY" --seconds "$RUN_SECONDS" --photos "$WORK/photos")
        echo "$line" >&2
        RESULTS+=("backend=$backend processes=$procs $line")
        stop_pids
    done
done

field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<<" $2"; }
echo
echo "report creation (photo PUT + report POST), concurrency $CONCURRENCY, ${RUN_SECONDS} s each, $(nproc) cores:"
printf '%-9s | %9s | %9s | %9s | %9s | %15s | %6s\n' backend processes ops/s "p50 ms" "p99 ms" "report p99 ms" errors
printf '%s\n' "----------|-----------|-----------|-----------|-----------|-----------------|-------"
for line in "${RESULTS[@]}"; do
    printf '%-9s | %9s | %9s | %9s | %9s | %15s | %6s\n' "$(field backend "$line")" "$(field processes "$line")" \
        "$(field ops_per_s "$line")" "$(field p50_ms "$line")" "$(field p99_ms "$line")" "$(field report_p99_ms "$line")" \
        "$(field errors "$line")"
done
