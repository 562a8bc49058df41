#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ and runs each for a while.
#
#   scripts/fuzz.sh [seconds-per-target] [target...]
#
# Targets: csv loaders notebook analyses (all by default; formula when
# Sources/StatKit/Formula exists). Seconds default to 60. Exits non-zero as soon as a
# target crashes, times out (> 1 s for one input) or runs out of memory, after printing
# the path of the input that did it. Build products, working corpora and crash inputs go to .build-fuzz/
# (gitignored); the committed seeds in Fuzz/*/seeds are only read.
#
# Why not `swift build`: SwiftPM renames an executable's entry point, so a
# libFuzzer target (which has no main) does not link. The library modules are compiled
# here with swiftc directly, with -sanitize=fuzzer,address, and linked with each target.
set -euo pipefail

cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-60}"
shift || true
OUT=.build-fuzz
mkdir -p "$OUT/modules"

# Swift's crash backtracer can hang after libFuzzer has caught a crash.
export SWIFT_BACKTRACE=enable=no

# -enable-testing: the loaders target reaches the segmented parse's internal split size.
SAN=(-sanitize=fuzzer,address -O -g -parse-as-library -swift-version 6 -use-ld=lld -enable-testing -package-name LayoffStats)
CINC=(-I Sources/_CLapack -I Sources/_CRmath -I Sources/_CSHA256/include)
LIBS=(-llapacke -lopenblas -lRmath)

# build_module NAME DEPS...: compiles Sources/NAME into $OUT/modules/NAME.{o,swiftmodule}
# when any of its sources or of the modules it imports is newer than its object.
build_module() {
    local name="$1"; shift
    local deps=()
    for d in "$@"; do deps+=("$OUT/modules/$d.swiftmodule"); done
    local obj="$OUT/modules/$name.o"
    local srcs
    mapfile -t srcs < <(find "Sources/$name" -name '*.swift' | sort)
    if [[ -f "$obj" ]]; then
        local stale=0
        for f in "${srcs[@]}" "${deps[@]}"; do
            [[ "$f" -nt "$obj" ]] && stale=1 && break
        done
        [[ $stale == 0 ]] && return 0
    fi
    echo "fuzz.sh: compiling $name (${#srcs[@]} files)" >&2
    swiftc "${SAN[@]}" "${CINC[@]}" -I "$OUT/modules" -module-name "$name" -whole-module-optimization \
        -emit-module -emit-module-path "$OUT/modules/$name.swiftmodule" -c "${srcs[@]}" -o "$obj"
}

# build_target NAME DIR MODULES...: links Fuzz/DIR/main.swift with the given modules.
build_target() {
    local name="$1" dir="$2"; shift 2
    local objs=()
    for m in "$@"; do objs+=("$OUT/modules/$m.o"); done
    local bin="$OUT/fuzz-$name"
    if [[ -f "$bin" ]]; then
        local stale=0
        for f in "Fuzz/$dir/main.swift" "${objs[@]}"; do [[ "$f" -nt "$bin" ]] && stale=1; done
        [[ $stale == 0 ]] && return 0
    fi
    echo "fuzz.sh: linking fuzz-$name" >&2
    swiftc "${SAN[@]}" "${CINC[@]}" -I "$OUT/modules" "Fuzz/$dir/main.swift" "${objs[@]}" "${LIBS[@]}" -o "$bin"
}

# The C SHA-256 target LayoffReport imports, compiled with clang (no Swift sources).
if [[ ! -f "$OUT/modules/_CSHA256.o" || Sources/_CSHA256/sha256.c -nt "$OUT/modules/_CSHA256.o" ]]; then
    echo "fuzz.sh: compiling _CSHA256" >&2
    clang -O2 -g -fsanitize=address -I Sources/_CSHA256/include -c Sources/_CSHA256/sha256.c -o "$OUT/modules/_CSHA256.o"
fi

build_module StatKit
build_module LayoffKit StatKit
build_module LayoffReport StatKit LayoffKit

declare -A DIRS=([csv]=CSVReader [loaders]=Loaders [notebook]=Notebook [analyses]=Analyses [formula]=Formula)
# Known issue (see Fuzz/README.md): the formula parser expands products such as
# a*b*c*...*p into 2^k terms, so a short formula takes seconds and gigabytes. Until the
# parser caps the expansion, the formula target runs in fork mode and records such
# inputs as timeouts/OOMs (listed at the end) instead of stopping at the first one;
# crashes still stop it.
declare -A EXTRA=([formula]="-fork=1 -ignore_timeouts=1 -ignore_ooms=1")
declare -A MODS=([csv]="StatKit" [loaders]="StatKit LayoffKit" [notebook]="StatKit LayoffKit LayoffReport _CSHA256" [analyses]="StatKit LayoffKit" [formula]="StatKit")

targets=("$@")
if [[ ${#targets[@]} == 0 ]]; then
    targets=(csv loaders notebook analyses)
    [[ -d Sources/StatKit/Formula && -f Fuzz/Formula/main.swift ]] && targets+=(formula)
fi

for t in "${targets[@]}"; do
    # shellcheck disable=SC2086
    build_target "$t" "${DIRS[$t]}" ${MODS[$t]}
done

status=0
for t in "${targets[@]}"; do
    corpus="$OUT/corpus/$t"
    artifacts="$OUT/artifacts/$t/"
    mkdir -p "$corpus" "$artifacts"
    log="$OUT/fuzz-$t.log"
    echo "fuzz.sh: running $t for ${SECONDS_PER_TARGET}s (log: $log)" >&2
    set +e
    "$OUT/fuzz-$t" -max_total_time="$SECONDS_PER_TARGET" -timeout=1 -rss_limit_mb=2048 \
        -max_len=16384 -print_final_stats=1 -artifact_prefix="$artifacts" ${EXTRA[$t]:-} \
        "$corpus" "Fuzz/${DIRS[$t]}/seeds" >"$log" 2>&1
    rc=$?
    set -e
    grep -E '^stat::number_of_executed_units|^Done |^INFO: fuzzed for' "$log" | sed "s/^/fuzz.sh: $t: /" >&2 || true
    if [[ -n "${EXTRA[$t]:-}" ]]; then
        n=$(find "$artifacts" -name 'timeout-*' -o -name 'oom-*' | wc -l)
        echo "fuzz.sh: $t: $n known-issue input(s) (timeouts/OOMs) in $artifacts" >&2
        # Fork mode exits non-zero when it ignored timeouts; only a crash counts here.
        crashes=$(grep -oE 'oom/timeout/crash: [0-9]+/[0-9]+/[0-9]+' "$log" | tail -1 | cut -d/ -f3)
        if [[ $rc != 0 && "${crashes:-0}" == 0 ]] && ! grep -q 'ERROR: libFuzzer: deadly signal\|ERROR: AddressSanitizer' "$log"; then
            rc=0
        fi
    fi
    if [[ $rc != 0 ]]; then
        crash=$(grep -oE 'Test unit written to [^ ]+' "$log" | tail -1 | sed 's/Test unit written to //')
        echo "fuzz.sh: $t FAILED (exit $rc); input: ${crash:-see $log}" >&2
        grep -E 'ERROR: |Fatal error|Precondition failed|SUMMARY' "$log" | head -5 >&2 || true
        status=1
        break
    fi
done
exit $status
