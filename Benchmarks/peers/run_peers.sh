#!/usr/bin/env bash
# Peer comparison of the LayoffStats pipeline: pandas + statsmodels, polars + numpy and
# DuckDB (+ numpy), each as a whole process on the same generated files, timed with GNU
# `/usr/bin/time -v`, cross-checked against each other, and a ratio table vs DuckDB; on two
# shapes of file: the layoffs.fyi export's (`layoffs generate`'s default: a source URL per
# event, 12 years, one company per five events, fundamentals for a tenth) and the compact
# one (`--shape compact`: a URL per month, six years, fundamentals for every company).
#
#   Benchmarks/peers/run_peers.sh [N ...]        # N = events per file; default: 100000 1000000
#   Benchmarks/peers/run_peers.sh edge           # correctness only, on small edge-case files
#
# Environment (all optional):
#   PEERS_VENV       virtualenv to use/create (default /tmp/venv-peers)
#   PEERS_DATA       folder for generated data, one export-N-cCOMPANIES/ or synth-N/ (compact)
#                    per size (default /tmp/peers-data)
#   PEERS_OUT        folder for RESULT.json files and time logs (default /tmp/peers-out)
#   PEERS_REPEAT     runs per tool and size, interleaved; the table shows the fastest (default 1)
#   PEERS_TOOLS      subset of "pandas polars duckdb" (default all three)
#   PEERS_SHAPES     shapes of generated data, "export compact" (default) or one of them
#   PEERS_COMPANIES  companies in generated data (default: N/5 for export, 200,000 for 1e6;
#                    max(2000, N/50) for compact, 20,000 for 1e6)
#   PEERS_CLEAN=1    delete each size's generated data after its runs (for 1e7: ~1.2 GB)
#   PEERS_CHECK_PROJECT=0  skip checking a peer's numbers against the project's own CLI
#                    (`layoffs rolling`, `yoy`, `yoy --ytd`; default on when the binary has them)
#   LAYOFFS_BIN      the project's `layoffs` binary for `layoffs generate`; default: built with
#                    swift build -c release --product layoffs --scratch-path /tmp/build-peers
#   LAYOFFS_CMD      the Swift pipeline to time alongside the peers, run with `bash -c`, with
#                    $EVENTS, $FUNDAMENTALS, $RESULT and $N exported, e.g.
#                    LAYOFFS_CMD='/path/layoffs report --data "$EVENTS" --fundamentals "$FUNDAMENTALS" --out /tmp/r.md'
#                    If it writes $RESULT (RESULT.json layout, see README.md) its numbers are
#                    cross-checked too; otherwise it is only timed.
#   LAYOFFS_LABEL    its name in the table (default "layoffs (Swift)")
#
# Exit status: 0 when every run succeeded and all results agree, 1 otherwise.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="${PEERS_VENV:-/tmp/venv-peers}"
DATA="${PEERS_DATA:-/tmp/peers-data}"
OUTROOT="${PEERS_OUT:-/tmp/peers-out}"
REPEAT="${PEERS_REPEAT:-1}"
TOOLS="${PEERS_TOOLS:-pandas polars duckdb}"
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(100000 1000000)

log() { printf '%s\n' "$*" >&2; }

# ---------------------------------------------------------------- tools
if [ ! -x /usr/bin/time ]; then
    log "installing GNU time (Debian package 'time')"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi

PY="$VENV/bin/python"
if ! "$PY" -c 'import pandas, statsmodels, polars, numpy, duckdb, pyarrow' 2>/dev/null; then
    log "creating virtualenv $VENV (pandas statsmodels polars numpy duckdb pyarrow)"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip
    "$VENV/bin/pip" install -q pandas statsmodels polars numpy duckdb pyarrow
fi
# Import once so byte-code compilation is not charged to whichever tool runs first.
"$PY" -c 'import pandas, statsmodels.api, polars, duckdb, numpy' >/dev/null

if [ -z "${LAYOFFS_BIN:-}" ]; then
    LAYOFFS_BIN=/tmp/build-peers/release/layoffs
    if [ ! -x "$LAYOFFS_BIN" ]; then
        log "building the layoffs tool (scratch path /tmp/build-peers)"
        (cd "$REPO" && swift build -c release --product layoffs --scratch-path /tmp/build-peers >&2)
    fi
fi

versions="$("$PY" -c 'import sys, pandas, statsmodels, polars, numpy, duckdb, pyarrow; print("python", sys.version.split()[0], "pandas", pandas.__version__, "statsmodels", statsmodels.__version__, "polars", polars.__version__, "numpy", numpy.__version__, "duckdb", duckdb.__version__, "pyarrow", pyarrow.__version__)')"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$versions"

label() {
    case "$1" in
        pandas) echo "pandas + statsmodels" ;;
        polars) echo "polars + numpy" ;;
        duckdb) echo "duckdb + numpy" ;;
        swift) echo "${LAYOFFS_LABEL:-layoffs (Swift)}" ;;
    esac
}

failed=0
if [ "${SIZES[0]}" = edge ]; then
    # Correctness only: small files with the cases the synthetic data never has.
    "$PY" "$HERE/common.py" edge-data "$DATA/edge"
    for set in a b; do
        dir="$DATA/edge/$set" out="$OUTROOT/edge-$set"
        mkdir -p "$out"
        results=()
        for t in duckdb pandas polars; do
            "$PY" "$HERE/pipeline_$t.py" --events "$dir/events.csv" --fundamentals "$dir/fundamentals.csv" \
                --out "$out/$t.json" || failed=1
            results+=("$out/$t.json")
        done
        echo "edge-case set $set ($dir):"
        "$PY" "$HERE/common.py" compare "${results[@]}" || failed=1
        "$PY" "$HERE/common.py" check-layoffs "$LAYOFFS_BIN" "$dir/events.csv" "$dir/fundamentals.csv" "${results[0]}" || failed=1
    done
    exit "$failed"
fi
for SHAPE in ${PEERS_SHAPES:-export compact}; do
for N in "${SIZES[@]}"; do
    if [ "$SHAPE" = export ]; then
        companies="${PEERS_COMPANIES:-$(( N / 5 > 1 ? N / 5 : 1 ))}"
        dir="$DATA/export-$N-c$companies"
    else
        companies="${PEERS_COMPANIES:-$(( N / 50 > 2000 ? N / 50 : 2000 ))}"
        dir="$DATA/synth-$N"
    fi
    EVENTS="$dir/events.csv"
    FUNDAMENTALS="$dir/fundamentals.csv"
    if [ ! -s "$EVENTS" ] || [ ! -s "$FUNDAMENTALS" ]; then
        log "generating $N events, $companies companies, $SHAPE shape (seed 42) in $dir"
        "$LAYOFFS_BIN" generate --shape "$SHAPE" --events "$N" --companies "$companies" --seed 42 --out "$dir"
    fi
    out="$OUTROOT/$SHAPE-$N-c$companies"
    rm -rf "$out" && mkdir -p "$out"
    cat "$EVENTS" "$FUNDAMENTALS" >/dev/null  # page cache warm for every tool alike
    echo
    echo "== $SHAPE shape, N = $N: $(du -h "$EVENTS" | cut -f1) events.csv, $(du -h "$FUNDAMENTALS" | cut -f1) fundamentals.csv ($companies companies)"
    runs=($TOOLS)
    [ -n "${LAYOFFS_CMD:-}" ] && runs+=(swift)
    for r in $(seq 1 "$REPEAT"); do
        for t in "${runs[@]}"; do
            tl="$out/$t.$r.time"
            if [ "$t" = swift ]; then
                rm -f "$out/swift.json"
                EVENTS="$EVENTS" FUNDAMENTALS="$FUNDAMENTALS" RESULT="$out/swift.json" N="$N" \
                    /usr/bin/time -v -o "$tl" bash -c "$LAYOFFS_CMD" >"$out/$t.$r.log" 2>&1 || true
            else
                /usr/bin/time -v -o "$tl" "$PY" "$HERE/pipeline_$t.py" \
                    --events "$EVENTS" --fundamentals "$FUNDAMENTALS" --out "$out/$t.json" \
                    >"$out/$t.$r.log" 2>&1 || true
            fi
            status="$(sed -n 's/^[[:space:]]*Exit status: //p' "$tl")"
            if [ "${status:-1}" != 0 ]; then
                log "$(label "$t") failed on run $r (exit ${status:-?}); last lines of $out/$t.$r.log:"
                tail -5 "$out/$t.$r.log" >&2
                failed=1
                rm -f "$tl"
            fi
        done
    done

    results=()
    for t in duckdb $TOOLS; do
        [ -s "$out/$t.json" ] && [[ ! " ${results[*]} " == *" $out/$t.json "* ]] && results+=("$out/$t.json")
    done
    [ -s "$out/swift.json" ] && results+=("$out/swift.json")
    echo
    if [ ${#results[@]} -ge 2 ]; then
        "$PY" "$HERE/common.py" compare "${results[@]}" || failed=1
    else
        log "fewer than two results to cross-check"
    fi

    if [ "${PEERS_CHECK_PROJECT:-1}" = 1 ] && [ ${#results[@]} -ge 1 ] && "$LAYOFFS_BIN" rolling --help >/dev/null 2>&1; then
        "$PY" "$HERE/common.py" check-layoffs "$LAYOFFS_BIN" "$EVENTS" "$FUNDAMENTALS" "${results[0]}" || failed=1
    fi

    specs=()
    for t in "${runs[@]}"; do
        logs="$(ls "$out/$t".*.time 2>/dev/null | paste -sd, -)"
        res="$out/$t.json"
        [ -s "$res" ] && specs+=("$(label "$t")=$logs=$res") || specs+=("$(label "$t")=$logs")
    done
    "$PY" "$HERE/common.py" table "$N ($SHAPE shape)" "${specs[@]}"
    echo "load average after $SHAPE N = $N: $(cut -d' ' -f1-3 /proc/loadavg)"
    if [ "${PEERS_CLEAN:-0}" = 1 ]; then rm -rf "$dir"; fi
done
done
exit "$failed"
