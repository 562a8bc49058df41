#!/usr/bin/env bash
# Wide designs, y ~ x1 + x2 + C(g) (53 columns) with HC3 errors, at the given row counts
# (default 1e6, 2e6, 5e6): StatKit's phases (WideTiming), numpy's lstsq and statsmodels
# (wide_numpy.py), and whole processes with peak RSS (`layoffs regress` in memory and
# --stream, /usr/bin/time -v). Files go to $WIDE_DATA (default /tmp/wide); the venv is
# $PEERS_VENV (default /tmp/venv-peers, with numpy, pandas, statsmodels).
#   Benchmarks/peers/run_wide.sh 1000000 5000000
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data="${WIDE_DATA:-/tmp/wide}"
venv="${PEERS_VENV:-/tmp/venv-peers}"
runs="${WIDE_RUNS:-3}"
[[ -x "$venv/bin/python" ]] || { python3 -m venv "$venv"; "$venv/bin/pip" install -q numpy pandas statsmodels; }
[[ -x /usr/bin/time ]] || { apt-get install -y -qq time >/dev/null; }
(cd "$root" && swift build -c release --product layoffs >/dev/null)
(cd "$root/Benchmarks" && swift build -c release --product WideTiming >/dev/null)
layoffs="$root/.build/release/layoffs"
wide="$root/Benchmarks/.build/release/WideTiming"
mkdir -p "$data"
sizes=("$@"); [[ ${#sizes[@]} -gt 0 ]] || sizes=(1000000 2000000 5000000)
for n in "${sizes[@]}"; do
    f="$data/wide-$n.csv"
    [[ -f "$f" ]] || "$venv/bin/python" "$here/wide_data.py" "$n" "$f"
    cat "$f" > /dev/null
    echo "== $n rows ($(du -h "$f" | cut -f1))"
    "$wide" "$f" "$runs" 2
    sm=(); [[ $n -le 1000000 ]] && sm=(--statsmodels)
    "$venv/bin/python" "$here/wide_numpy.py" "$f" "$runs" "${sm[@]}"
    for mode in "" "--stream"; do
        /usr/bin/time -v "$layoffs" regress --data "$f" --formula "y ~ x1 + x2 + C(g)" --cov HC3 $mode \
            > /dev/null 2> "$data/time.log"
        echo "layoffs regress ${mode:-(in memory)}: $(grep 'Elapsed' "$data/time.log" | awk '{print $NF}'), $(( $(grep 'Maximum resident' "$data/time.log" | awk '{print $NF}') / 1024 )) MiB"
    done
done
