#!/usr/bin/env bash
# Peak memory and time of `layoffs regress --stream` against the in-memory `regress` on
# generated numeric CSV files of 10^6 and 10^7 rows (≈ 46 MB and 464 MB): the streamed
# fit's peak RSS must not grow with the number of rows.
#
#   scripts/streaming_memory_benchmark.sh [OUTDIR]      (a release build; PYTHON = a python3 with numpy)
set -euo pipefail
out=${1:-/tmp/layoffs-streaming-bench}
mkdir -p "$out"
bin=${LAYOFFS_BIN:-.build/release/layoffs}
py=${PYTHON:-python3}
cat > "$out/gen.py" <<'PY'
import sys, numpy as np
n, path = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(42)
levels = np.array(["north", "south", "east", "west", "central", "coast", "islands", "mountain"])
with open(path, "w") as f:
    f.write("y,x1,x2,region,w,firm\n")
    for start in range(0, n, 1_000_000):
        m = min(1_000_000, n - start)
        x1 = rng.normal(0, 2, m); x2 = np.exp(rng.normal(1, 1, m))
        g = rng.integers(0, 8, m); firm = rng.integers(0, 1000, m)
        y = 1 + 0.5 * x1 - 0.3 * np.log(x2) + 0.1 * g + rng.normal(0, 1 + 0.2 * np.abs(x1), m)
        w = rng.uniform(0.5, 2, m)
        cols = [np.char.mod("%.6f", y), np.char.mod("%.6f", x1), np.char.mod("%.6f", x2), levels[g],
                np.char.mod("%.4f", w), np.char.add("f", firm.astype(str))]
        rows = cols[0]
        for c in cols[1:]:
            rows = np.char.add(np.char.add(rows, ","), c)
        f.write("\n".join(rows.tolist()) + "\n")
PY
formula='y ~ x1 + log(x2) + C(region)'
for n in 1000000 10000000; do
    csv="$out/n$n.csv"
    [ -f "$csv" ] || "$py" "$out/gen.py" "$n" "$csv"
    for extra in "--stream" "--stream --cov HC1" "--stream --cov cluster --cluster firm" ""; do
        # shellcheck disable=SC2086
        /usr/bin/time -f "n=$n regress $extra: %e s wall, %U s user, %M KB peak RSS" \
            "$bin" regress --data "$csv" --formula "$formula" $extra --format json > /dev/null
    done
done
