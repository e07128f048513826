#!/usr/bin/env bash
# civic-core's photo pipeline against libvips and Pillow on the same 12 MP camera JPEG,
# each pinned to one core (taskset -c 0), wall time and peak RSS from /usr/bin/time.
#
#   bash bench/photo_peers.sh [RUNS]      (default 7 runs each, interleaved; medians shown)
#
# Installs what is missing: libvips-tools and time (apt-get), Pillow (pip).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-7}"

apt_updated=
need_apt() {
    [ -n "$apt_updated" ] || { apt-get update -qq; apt_updated=1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
command -v vipsthumbnail >/dev/null || need_apt libvips-tools
[ -x /usr/bin/time ] || need_apt time
command -v taskset >/dev/null || need_apt util-linux
if ! python3 -c 'import PIL' 2>/dev/null; then
    python3 -m pip install -q pillow 2>/dev/null || python3 -m pip install -q --break-system-packages pillow
fi

cargo build -q --release -p civic-core --example photo
target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
civic="$target_dir/release/examples/photo"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$civic" make-sample "$work/sample.jpg" >/dev/null

run() { # NAME COMMAND...: one pinned run, appends "NAME wall_s maxrss_kb"
    local name="$1"
    shift
    /usr/bin/time -f "$name %e %M" -o "$work/one" taskset -c 0 "$@" >/dev/null 2>"$work/err" || {
        echo "$name failed:" >&2
        cat "$work/err" >&2
        exit 1
    }
    cat "$work/one" >>"$work/results"
}

: >"$work/results"
for _ in $(seq "$RUNS"); do
    run civic "$civic" process "$work/sample.jpg" "$work/civic.jpg"
    run vips vipsthumbnail "$work/sample.jpg" -s 1600 -o "$work/vips.jpg[Q=80,strip]"
    run pillow python3 bench/photo_pillow.py "$work/sample.jpg" "$work/pillow.jpg"
done

python3 - "$work" "$RUNS" <<'PY'
import os, statistics, sys
work, runs = sys.argv[1], sys.argv[2]
rows = {}
for line in open(os.path.join(work, "results")):
    name, wall, rss = line.split()
    rows.setdefault(name, []).append((float(wall), int(rss) / 1024))
med = {n: (statistics.median(w for w, _ in v), statistics.median(r for _, r in v)) for n, v in rows.items()}
size = lambda n: os.path.getsize(os.path.join(work, f"{n}.jpg")) // 1024
print(f"4000x3000 q92 camera JPEG ({os.path.getsize(os.path.join(work, 'sample.jpg')) // 1024} KiB) -> 1600 px q80, "
      f"one core (taskset -c 0), median of {runs} runs")
print(f"{'tool':<8} {'wall s':>8} {'peak RSS MiB':>13} {'output KiB':>11}")
for n in ("civic", "vips", "pillow"):
    print(f"{n:<8} {med[n][0]:>8.3f} {med[n][1]:>13.1f} {size(n):>11}")
for peer in ("vips", "pillow"):
    print(f"civic/{peer}: time {med['civic'][0] / med[peer][0]:.2f}, peak RSS {med['civic'][1] / med[peer][1]:.2f}")
PY
