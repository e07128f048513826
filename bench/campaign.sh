#!/usr/bin/env bash
# Green Sunday's live map under load, on this machine:
#
#   bash bench/campaign.sh
#
# Starts civic-server (release, SQLite, a fresh temporary data folder), then
# examples/campaign_load seeds one campaign with SPOTS spots and DEVICES followers, and for
# WINDOW_SECONDS every follower pulls the map's changes every POLL_SECS while teams claim and clean
# CHANGES_PER_SEC spots. Prints the first full download of the map, bytes per device per
# minute in the steady state, poll latency and the server's CPU.
# Knobs (environment): DEVICES (5000), SPOTS (20000), WINDOW_SECONDS (60), POLL_SECS (30),
# CHANGES_PER_SEC (10). Seeding takes a minute or two on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

DEVICES=${DEVICES:-5000}
SPOTS=${SPOTS:-20000}
WINDOW_SECONDS=${WINDOW_SECONDS:-60}
POLL_SECS=${POLL_SECS:-30}
CHANGES_PER_SEC=${CHANGES_PER_SEC:-10}
PASSWORD="bench-$RANDOM-$RANDOM-password"

echo "== building (release)" >&2
cargo build --release -p civic-server --bin civic-server --example campaign_load >&2
TARGET=${CARGO_TARGET_DIR:-target}/release
WORK=$(mktemp -d -t civic-campaign.XXXXXX)
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT

CIVIC_LOG=warn "$TARGET/civic-server" --listen 127.0.0.1:0 --data-dir "$WORK/data" --requests-per-minute 100000000 \
    --admin-username admin --admin-password "$PASSWORD" >"$WORK/out" 2>"$WORK/err" &
PID=$!
URL=$(listening_url "$WORK/out" "$PID") || { cat "$WORK/err" >&2; exit 1; }

line=$("$TARGET/examples/campaign_load" "$URL" "$PASSWORD" --devices "$DEVICES" --spots "$SPOTS" --seconds "$WINDOW_SECONDS" \
    --poll-secs "$POLL_SECS" --changes-per-sec "$CHANGES_PER_SEC" --server-pid "$PID")
echo "$line" >&2
field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<<" $line"; }
echo
echo "live map: $(field devices) followers, $(field spots) spots, polling every $(field poll_every_s) s for $(field window_s) s, $(nproc) cores"
echo "  first full map: $(field first_map_bytes) bytes in $(field first_map_pages) pages, $(field first_map_s) s"
echo "  steady state:   $(field bytes_per_device_per_min) bytes per device per minute ($(field changes_made) spots changed during the window)"
echo "  polls:          $(field polls_per_s)/s, p50 $(field poll_p50_ms) ms, p99 $(field poll_p99_ms) ms, errors $(field errors)"
echo "  server CPU:     $(field server_cpu_pct_of_one_core) % of one core"
