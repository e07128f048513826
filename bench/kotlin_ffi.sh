#!/usr/bin/env bash
# What calls into the core cost from Kotlin: the generated uniffi bindings through JNA into the
# release (mobile profile) library, on the JVM. Prints figures, never asserts a time.
#
#   bash bench/kotlin_ffi.sh
#
# Builds the library and its bindings (scripts/bindings --release), compiles them with
# bindings/kotlin/bench/FfiBench.kt (kotlinc from scripts/kotlin-toolchain), then opens a
# CivicApp on a data directory of its own with an unreachable server, captures REPORTS
# reports through the API (photo, GPS fix, category, answer, send), and times, each after a
# warm-up, the median and p90 of: syncState() (the bare round trip), outbox() (a small query),
# myReports() listing all REPORTS and a first screen of 20, report(id), categories(), and
# attachPhoto() of a 12-megapixel JPEG.
#
# Knobs (environment):
#   REPORTS    reports to capture and list (1000; capturing them takes about a minute)
#   DATA_DIR   keep the data directory there and reuse its reports next time (default: a
#              temporary one, deleted at the end)
#   SCALE      multiplies every iteration count (1; 0.1 for a quick look)
#   BIG_PHOTO  false skips the 12-megapixel attachPhoto
#   LIBRARY    a libcivic_ffi.so to load instead of the one built (e.g. another profile's; it
#              must export the same API as the generated bindings)
# Not part of ./scripts/test.
set -euo pipefail
cd "$(dirname "$0")/.."

REPORTS=${REPORTS:-1000}
SCALE=${SCALE:-1}
BIG_PHOTO=${BIG_PHOTO:-true}
target="${CARGO_TARGET_DIR:-target}"

echo "== building the library and its bindings (scripts/bindings --release)" >&2
built="$(scripts/bindings --release)"
library="${LIBRARY:-$built}"
[[ -f "$library" ]] || { echo "kotlin_ffi: no library at $library" >&2; exit 1; }

eval "$(scripts/kotlin-toolchain)"

# Compiled once per toolchain and sources, next to scripts/kotlin-test's builds (pruned by it
# after a week).
sources=("$target/bindings/kotlin/org/civic/core/civic_ffi.kt" bindings/kotlin/flows/org/civic/core/SyncFlows.kt bindings/kotlin/bench/FfiBench.kt)
key="$(
    {
        echo "$KOTLIN_CLASSPATH"
        for f in "${sources[@]}"; do
            echo "$f"
            sha256sum <"$f"
        done
    } | sha256sum | cut -c1-16
)"
builds="${CIVIC_TOOLS_DIR:-/var/tmp/civic-tools}/kotlin-build"
classes="$builds/bench-$key"
if [[ ! -d "$classes" ]]; then
    mkdir -p "$builds"
    scratch="$(mktemp -d "$builds/.bench-$key.XXXXXX")"
    trap 'rm -rf "$scratch"' EXIT
    echo "== compiling the bindings and the benchmark (kotlinc)" >&2
    JAVA_OPTS="${KOTLINC_JAVA_OPTS:--Xmx1g -Xss4m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC}" \
        "$KOTLINC" -jvm-target 17 -no-reflect -nowarn -cp "$KOTLIN_CLASSPATH" -d "$scratch" "${sources[@]}"
    chmod 755 "$scratch"
    mv -T "$scratch" "$classes" 2>/dev/null || rm -rf "$scratch"
    trap - EXIT
fi

echo "== civic-ffi from Kotlin: $(java -version 2>&1 | head -n1), $(nproc) cores" >&2
echo "library: $library ($(stat -c %s "$library") bytes)"
properties=(-Dcivic.bench.reports="$REPORTS" -Dcivic.bench.scale="$SCALE" -Dcivic.bench.big.photo="$BIG_PHOTO")
[[ -n "${DATA_DIR:-}" ]] && properties+=(-Dcivic.bench.data="$DATA_DIR")
exec java -Djna.library.path="$(dirname "$library")" "${properties[@]}" \
    -cp "$classes:$KOTLIN_CLASSPATH" org.civic.core.bench.FfiBenchKt
