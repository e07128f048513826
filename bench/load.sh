#!/usr/bin/env bash
# Load benchmark of civic-server against the smallest axum server (the ceiling).
#
#   bash bench/load.sh
#
# Builds (release) civic-server and the examples `hello` and `loadgen` once, then for each
# concurrency runs three closed-loop scenarios, each against a fresh server with a fresh
# temporary data folder:
#   hello          GET / on examples/hello.rs
#   public-list    GET /api/v1/public/reports?limit=50 on a server holding ~500 reports
#                  (seeded once through create-report, the folder copied for each run):
#                  served from the server's cache of public reads
#   public-list-304  the same with If-None-Match: the list's ETag (a CDN or phone revalidating)
#   empty-sync     GET /api/v1/sync by devices already up to date, on the same data
#   create-report  PUT a new ~300 KB photo, then POST a report with it (one operation)
#   create-phone   the same with photos as the app sends them (run through the core's
#                  pipeline: 1600x1200, q80, JFIF only), which the server keeps as they are
# and prints a table with the server's peak RSS (VmHWM) at the end of each run.
# Knobs (environment): RUN_SECONDS (10), CONCURRENCIES ("1 4 16 64"), SEED_REPORTS (500),
# PHOTO_POOL (SEED_REPORTS), PHONE_POOL (4000: enough for a fast server in RUN_SECONDS;
# more are made inside the window, reported as photos_made_in_window). Takes about 7 minutes on 2 cores once built.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

RUN_SECONDS=${RUN_SECONDS:-10}
CONCURRENCIES=${CONCURRENCIES:-"1 4 16 64"}
SEED_REPORTS=${SEED_REPORTS:-500}
PHOTO_POOL=${PHOTO_POOL:-$SEED_REPORTS}
PHONE_POOL=${PHONE_POOL:-4000}
CORES=$(nproc)

echo "== building (release)" >&2
cargo build --release -p civic-server --bin civic-server --example hello --example loadgen >&2
TARGET=${CARGO_TARGET_DIR:-target}/release
SERVER=$TARGET/civic-server
HELLO=$TARGET/examples/hello
LOADGEN=$TARGET/examples/loadgen

WORK=$(mktemp -d -t civic-load.XXXXXX)
PIDS=()
cleanup() {
    stop_pids KILL
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start NAME CMD... : starts a server, sets SERVER_PID and SERVER_URL.
start() {
    local name=$1
    shift
    "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    SERVER_PID=$!
    PIDS+=("$SERVER_PID")
    SERVER_URL=$(listening_url "$WORK/$name.out" "$SERVER_PID") && return 0
    echo "$name did not start:" >&2
    cat "$WORK/$name.err" >&2
    exit 1
}

peak_rss_mib() {
    awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"
}

# stop PID: SIGTERM (graceful), SIGKILL after 5 s.
stop() {
    local pid=$1
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    local keep=() p
    for p in "${PIDS[@]+"${PIDS[@]}"}"; do [[ $p == "$pid" ]] || keep+=("$p"); done
    PIDS=("${keep[@]+"${keep[@]}"}")
}

civic() { # civic NAME DATA_DIR
    CIVIC_LOG=${CIVIC_LOG:-info,tower_http=warn} start "$1" "$SERVER" --listen 127.0.0.1:0 --data-dir "$2" \
        --requests-per-minute 100000000
}

echo "== making $PHOTO_POOL photos" >&2
"$LOADGEN" gen-photos "$WORK/photos" --count "$PHOTO_POOL"
echo "== making $PHONE_POOL photos as the app sends them" >&2
"$LOADGEN" gen-photos "$WORK/phone-photos" --count "$PHONE_POOL" --phone

echo "== seeding $SEED_REPORTS reports for public-list" >&2
civic seed "$WORK/seed-data"
"$LOADGEN" "$SERVER_URL" create-report --concurrency $((CORES * 2)) --seconds 60 --ops "$SEED_REPORTS" \
    --photos "$WORK/photos" >&2
stop "$SERVER_PID"

RESULTS=()
# run SCENARIO CONCURRENCY [PHOTO_DIR]: the server must be running (SERVER_PID, SERVER_URL).
run() {
    local line
    line=$("$LOADGEN" "$SERVER_URL" "$1" --concurrency "$2" --seconds "$RUN_SECONDS" --photos "${3:-$WORK/photos}")
    line="$line server_peak_rss_mib=$(peak_rss_mib "$SERVER_PID")"
    echo "$line" >&2
    RESULTS+=("$line")
    stop "$SERVER_PID"
}

for c in $CONCURRENCIES; do
    echo "== concurrency $c" >&2
    start "hello-$c" "$HELLO" 127.0.0.1:0
    run hello "$c"

    for scenario in public-list public-list-304 empty-sync; do
        rm -rf "$WORK/$scenario-$c"
        mkdir -p "$WORK/$scenario-$c"
        cp -a "$WORK/seed-data" "$WORK/$scenario-$c/data"
        civic "$scenario-$c" "$WORK/$scenario-$c/data"
        run "$scenario" "$c"
    done

    civic "create-$c" "$WORK/create-$c/data"
    run create-report "$c"

    civic "phone-$c" "$WORK/phone-$c/data"
    run create-phone "$c" "$WORK/phone-photos"
done

field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<<" $2"; }
# The hello ceiling at each concurrency, to set every figure of that concurrency beside.
declare -A CEILING
for line in "${RESULTS[@]}"; do
    [[ $(field scenario "$line") == hello ]] && CEILING[$(field concurrency "$line")]=$(field ops_per_s "$line")
done
echo
printf '%-15s | %11s | %9s | %8s | %9s | %9s | %6s | %23s\n' scenario concurrency ops/s "% hello" "p50 ms" "p99 ms" errors "server peak RSS MiB"
printf '%s\n' "----------------|-------------|-----------|----------|-----------|-----------|--------|------------------------"
for line in "${RESULTS[@]}"; do
    c=$(field concurrency "$line")
    share=$(awk -v ops="$(field ops_per_s "$line")" -v hello="${CEILING[$c]:-0}" 'BEGIN { if (hello > 0) printf "%.0f %%", 100 * ops / hello; else print "?" }')
    printf '%-15s | %11s | %9s | %8s | %9s | %9s | %6s | %23s\n' \
        "$(field scenario "$line")" "$c" "$(field ops_per_s "$line")" "$share" \
        "$(field p50_ms "$line")" "$(field p99_ms "$line")" "$(field errors "$line")" \
        "$(field server_peak_rss_mib "$line")"
done
echo
echo "create-report / create-phone split (photo upload / report post), ms:"
for line in "${RESULTS[@]}"; do
    [[ $(field scenario "$line") == create-* ]] || continue
    printf '  %-13s c=%-3s photo p50 %s p99 %s | report p50 %s p99 %s | photos made in window: %s\n' \
        "$(field scenario "$line")" "$(field concurrency "$line")" "$(field photo_p50_ms "$line")" "$(field photo_p99_ms "$line")" \
        "$(field report_p50_ms "$line")" "$(field report_p99_ms "$line")" "$(field photos_made_in_window "$line")"
done
