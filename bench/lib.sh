# Shared by the bench scripts (sourced, not run).

# listening_url OUT PID: waits (up to 20 s, while PID lives) for a civic-server's first line
# in the file OUT and prints the URL it listens on; fails if none comes.
listening_url() {
    local out=$1 pid=$2 url
    for _ in $(seq 200); do
        url=$(head -n1 "$out" 2>/dev/null | sed -n 's/^listening on \(http:[^ ]*\).*/\1/p')
        [[ -n $url ]] && { echo "$url"; return 0; }
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    return 1
}

# stop_pids [SIGNAL]: stops every process whose id is in the array PIDS (with SIGNAL, TERM by
# default), waits for each and empties PIDS.
stop_pids() {
    local pid
    for pid in "${PIDS[@]+"${PIDS[@]}"}"; do
        kill "-${1:-TERM}" "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    PIDS=()
}
