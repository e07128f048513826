# Sourced by the test scripts (test-kotlin, android-build --test): a civic-server of their
# own, from the workspace's test build, in a temporary data directory on a free loopback port.
#
#   start_test_server [ARGS…]   passes ARGS to the server (e.g. --demo); sets SERVER_URL,
#                               SERVER_PASSWORD (the admin's) and SERVER_DATA (the data
#                               directory, removed with the server when the script exits)
start_test_server() {
    local target="${CARGO_TARGET_DIR:-target}" fifo line
    SERVER_DATA="$(mktemp -d)"
    SERVER_PASSWORD="tests-$RANDOM-$RANDOM"
    fifo="$SERVER_DATA/stdout"
    mkfifo "$fifo"
    "$target/debug/civic-server" --listen 127.0.0.1:0 --data-dir "$SERVER_DATA" \
        --admin-username admin --admin-password "$SERVER_PASSWORD" --requests-per-minute 100000 "$@" \
        >"$fifo" 2>"$SERVER_DATA/server.log" &
    TEST_SERVER_PID=$!
    trap 'kill $TEST_SERVER_PID 2>/dev/null || true; wait $TEST_SERVER_PID 2>/dev/null || true; rm -rf "$SERVER_DATA"' EXIT
    exec 3<"$fifo"
    read -r -t 30 line <&3 || {
        echo "the server did not start:" >&2
        cat "$SERVER_DATA/server.log" >&2
        return 1
    }
    SERVER_URL="${line#listening on }"
}
