#!/usr/bin/env bash
# Per-thread timeline of one run of a command (CPU samples and scheduler waits), printed
# by threads.py. Needs perf (Debian: linux-perf) and swift-demangle (in the Swift toolchain).
#
#   Benchmarks/profile/threads.sh [--hz 2000] [--bucket 10] -- COMMAND ARGS...
#
# Example (the report at 10⁶ events):
#   Benchmarks/profile/threads.sh -- .build/release/layoffs report \
#       --data /tmp/d/events.csv --fundamentals /tmp/d/fundamentals.csv --out /tmp/r.md
#
# Two runs of the command are recorded (samples, then switches with DWARF stacks, which
# slow it down): the waits' times are from the second run, so compare them with the
# timeline's phases, not its exact milliseconds. Files stay in $PROFILE_DIR (default
# /tmp/layoffs-profile). Run it on a quiet machine: other jobs show up as gaps.
set -euo pipefail
HZ=2000
ARGS=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    case "$1" in
        --hz) HZ="$2"; shift 2 ;;
        *) ARGS+=("$1"); shift ;;
    esac
done
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || { echo "usage: $0 [--hz N] [threads.py options] -- COMMAND ARGS..." >&2; exit 64; }
command -v perf >/dev/null || { echo "perf not found (Debian: apt-get install linux-perf)" >&2; exit 69; }
DEMANGLE=$(command -v swift-demangle || echo "swift demangle")
DIR="${PROFILE_DIR:-/tmp/layoffs-profile}"
mkdir -p "$DIR"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

perf record -q -F "$HZ" -g -o "$DIR/cpu.data" -- "$@" >/dev/null
perf record -q -e sched:sched_switch --call-graph dwarf,16384 -o "$DIR/sched.data" -- "$@" >/dev/null
perf script -i "$DIR/cpu.data" -F tid,time,ip,sym 2>/dev/null | $DEMANGLE --simplified > "$DIR/cpu.txt"
perf script -i "$DIR/sched.data" -F tid,time,trace,ip,sym 2>/dev/null | $DEMANGLE --simplified > "$DIR/sched.txt"
python3 "$HERE/threads.py" "$DIR/cpu.txt" "$DIR/sched.txt" --hz "$HZ" "${ARGS[@]}"
