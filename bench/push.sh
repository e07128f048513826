#!/usr/bin/env bash
# A warning for a million phones, end to end, on this machine:
#
#   bash bench/push.sh                 # DEVICES=1000000 by default
#   DEVICES=100000 bash bench/push.sh
#
# 1. Builds civic-server and the examples seed_push and fake_push (release).
# 2. Seeds a fresh SQLite data directory with DEVICES devices registered for push
#    (benches/common/push_devices.rs: 60% of the places in and around the city, the rest over
#    the region lat 16.0–16.8, lon 107.0–108.0; 70% FCM, 25% APNs, 5% UnifiedPush), written
#    with the server's store functions, 50,000 to a transaction (timed apart).
# 3. Starts fake_push (FCM's HTTP v1 endpoint and Google's token endpoint, APNs over h2c, a
#    UnifiedPush distributor; it answers at once and counts) and the real server pointed at
#    it (--fcm-service-account whose token_uri is the fake's, --fcm-base, --apns-base, the
#    test keys of server/tests/server/fixtures, --unified-push-allow-http).
# 4. Signs in as an operator and publishes, by POST /api/v1/alerts, an Extreme typhoon
#    warning over the whole region (a polygon round lat 15.8–17.0, lon 106.8–108.2): every
#    registered device is in it and no device's minimum severity is above Extreme, so every
#    device is woken (seed_push counts them by the planner's rule: "targeted").
# 5. Waits until the fake has received a wake-up for every targeted device (or the server
#    logs that it is done), then prints: devices registered, devices targeted, wake-ups
#    received, seconds from publishing to the last one received, wake-ups/s, the server's
#    RSS after start-up (before publishing) and its peak RSS (VmHWM) over the whole run.
#
# Knobs (environment): DEVICES (1000000), SERVER (another civic-server binary to measure,
# e.g. an older build), FAKE_THREADS (the fake's worker threads, default
# one per core), TIMEOUT (seconds to wait for the wake-ups, 600), KEEP (1: keep the work
# directory). The fake shares the machine's cores with the server: a real push service
# does its own work elsewhere.
#
# What it printed on this machine (2 cores, nothing else running; the fake on the same cores):
#   devices registered 1000000   (seeded in 8.8 s)
#   devices targeted   1000000 (Extreme typhoon over the whole region)
#   wake-ups received  1000000 (FCM 699773, APNs 250394, UnifiedPush 49833)
#   publish answered   0.01 s
#   publish → last     43.4 s
#   wake-ups/s         23053
#   server start-up    3.0 s, RSS after start-up 422 MiB (peak during start-up 439 MiB)
#   server peak RSS    463 MiB (VmHWM; RSS at the end 463 MiB)
# Before start-up read the registrations a page at a time and publishing made the wake-ups a
# batch at a time (measured at load 7): RSS after start-up 705 MiB, peak 859 MiB, 57.8 s.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

DEVICES=${DEVICES:-1000000}
TIMEOUT=${TIMEOUT:-600}
FIXTURES=server/tests/server/fixtures

echo "== building (release)" >&2
cargo build --release -p civic-server --bin civic-server --example seed_push --example fake_push >&2
TARGET=${CARGO_TARGET_DIR:-target}/release
SERVER=${SERVER:-$TARGET/civic-server}

WORK=$(mktemp -d -t civic-push.XXXXXX)
PIDS=()
cleanup() {
    stop_pids
    if [[ ${KEEP:-0} == 1 ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# status_kib PID FIELD: a field of /proc/PID/status (VmRSS, VmHWM) in KiB.
status_kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
now_ms() { date +%s%3N; }
field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<<" $2"; }

echo "== fake push services" >&2
"$TARGET/examples/fake_push" ${FAKE_THREADS:+--threads "$FAKE_THREADS"} >"$WORK/fake.out" 2>"$WORK/fake.err" &
PIDS+=("$!")
FAKE=$(listening_url "$WORK/fake.out" "$!") || { echo "fake_push did not start:" >&2; cat "$WORK/fake.err" >&2; exit 1; }

# The region, with a margin: every cell a device registered is inside.
AREA="15.8,106.8;15.8,108.2;17.0,108.2;17.0,106.8;15.8,106.8"
echo "== seeding $DEVICES devices" >&2
SEEDED=$("$TARGET/examples/seed_push" "$WORK/data" --devices "$DEVICES" --unified-push "$FAKE" --area "$AREA" --severity Extreme)
echo "$SEEDED" >&2
TARGETED=$(field targeted "$SEEDED")

python3 - "$FIXTURES/test-google-key.pem" "$FAKE/token" >"$WORK/service-account.json" <<'EOF'
import json, sys
key = open(sys.argv[1]).read()
print(json.dumps({"type": "service_account", "project_id": "civic-bench", "private_key_id": "bench",
                  "private_key": key, "client_email": "bench@civic-bench.iam.gserviceaccount.com",
                  "client_id": "1", "token_uri": sys.argv[2]}))
EOF

echo "== starting the server" >&2
PASSWORD=bench-password-long
STARTED=$(now_ms)
"$SERVER" --listen 127.0.0.1:0 --data-dir "$WORK/data" --requests-per-minute 100000000 \
    --admin-username bench --admin-password "$PASSWORD" \
    --fcm-service-account "$WORK/service-account.json" --fcm-base "$FAKE" \
    --apns-key "$FIXTURES/test-apns-key.p8" --apns-key-id ABC123DEFG --apns-team-id DEF123GHIJ \
    --apns-topic vn.gov.hue.civic --apns-base "$FAKE" --unified-push-allow-http \
    >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!
PIDS+=("$SERVER_PID")
# Loading a million registrations takes a while: wait up to TIMEOUT for the first line.
URL=""
for _ in $(seq $((TIMEOUT / 20 + 1))); do
    URL=$(listening_url "$WORK/server.out" "$SERVER_PID" 2>/dev/null) && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
done
[[ -n $URL ]] || { echo "the server did not start:" >&2; tail -n 20 "$WORK/server.err" >&2; exit 1; }
START_S=$(awk -v a="$STARTED" -v b="$(now_ms)" 'BEGIN { printf "%.1f", (b - a) / 1000 }')
RSS_STARTED=$(status_kib "$SERVER_PID" VmRSS)
HWM_STARTED=$(status_kib "$SERVER_PID" VmHWM)
echo "server at $URL, started in ${START_S}s, RSS $(mib "$RSS_STARTED") MiB (peak so far $(mib "$HWM_STARTED") MiB)" >&2

TOKEN=$(curl -sf "$URL/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"bench\",\"password\":\"$PASSWORD\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
EXPIRES=$(date -u -d '+12 hours' +%Y-%m-%dT%H:%M:%SZ)
POINTS=$(tr ';' '\n' <<<"$AREA" | sed 's/^\(.*\),\(.*\)$/[\1,\2]/' | paste -sd, -)
ALERT=$(cat <<EOF
{"topic": "storm", "urgency": "Immediate", "severity": "Extreme", "certainty": "Likely",
 "response_type": ["Shelter"], "expires": "$EXPIRES",
 "texts": [
  {"language": "vi-VN", "event": "Bão", "headline": "Bão mạnh đổ bộ vào Huế",
   "description": "Bão cấp 12 đổ bộ trong đêm nay.", "instruction": "Ở trong nhà, tránh xa cửa kính."},
  {"language": "en-US", "event": "Typhoon", "headline": "Strong typhoon making landfall in Huế",
   "description": "A category 12 typhoon makes landfall tonight.", "instruction": "Stay indoors, away from windows."}],
 "areas": [{"kind": "polygon", "description": "Thừa Thiên Huế", "points": [$POINTS]}]}
EOF
)

echo "== publishing the warning ($TARGETED devices to wake)" >&2
PUBLISHED=$(now_ms)
STATUS=$(curl -s -o "$WORK/alert.json" -w '%{http_code}' "$URL/api/v1/alerts" -H "authorization: Bearer $TOKEN" \
    -H 'content-type: application/json' -d "$ALERT")
ANSWERED=$(now_ms)
[[ $STATUS == 201 ]] || { echo "publishing answered $STATUS: $(cat "$WORK/alert.json")" >&2; exit 1; }

COUNT=""
DEADLINE=$(($(now_ms) + TIMEOUT * 1000))
while (($(now_ms) < DEADLINE)); do
    COUNT=$(curl -sf "$FAKE/count")
    (($(field requests "$COUNT") >= TARGETED)) && break
    grep -q "woke devices" "$WORK/server.err" && { COUNT=$(curl -sf "$FAKE/count"); break; }
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "the server stopped:" >&2; tail -n 20 "$WORK/server.err" >&2; exit 1; }
    sleep 0.2
done
# The server's own account of it (planned, sent, failed), once it is done.
for _ in $(seq 50); do grep -q "woke devices" "$WORK/server.err" && break; sleep 0.2; done
HWM=$(status_kib "$SERVER_PID" VmHWM)
RSS_END=$(status_kib "$SERVER_PID" VmRSS)
RECEIVED=$(field requests "$COUNT")
LAST=$(field last_ms "$COUNT")
SECONDS_TOOK=$(awk -v a="$PUBLISHED" -v b="$LAST" 'BEGIN { printf "%.1f", (b - a) / 1000 }')
RATE=$(awk -v n="$RECEIVED" -v a="$PUBLISHED" -v b="$LAST" 'BEGIN { printf "%.0f", n * 1000 / (b > a ? b - a : 1) }')

echo
echo "seeded:            $SEEDED"
echo "server log:        $(sed 's/\x1b\[[0-9;]*m//g' "$WORK/server.err" | grep -o 'woke devices.*' | tail -n1 || echo '(not done)')"
echo "fake received:     $COUNT"
echo "devices registered $DEVICES"
echo "devices targeted   $TARGETED (Extreme typhoon over the whole region)"
echo "wake-ups received  $RECEIVED (FCM $(field fcm "$COUNT"), APNs $(field apns "$COUNT"), UnifiedPush $(field unifiedpush "$COUNT"))"
echo "publish answered   $(awk -v a="$PUBLISHED" -v b="$ANSWERED" 'BEGIN { printf "%.2f", (b - a) / 1000 }') s"
echo "publish → last     $SECONDS_TOOK s"
echo "wake-ups/s         $RATE"
echo "server start-up    $START_S s, RSS after start-up $(mib "$RSS_STARTED") MiB (peak during start-up $(mib "$HWM_STARTED") MiB)"
echo "server peak RSS    $(mib "$HWM") MiB (VmHWM; RSS at the end $(mib "$RSS_END") MiB)"
echo "load               $(uptime)"
