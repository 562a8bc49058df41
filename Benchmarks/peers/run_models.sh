#!/usr/bin/env bash
# Model benchmarks: fixed-effects least squares against pyfixest, Poisson and negative
# binomial GLMs against statsmodels (and MASS::glm.nb with MODELS_R=1), on 10⁶-row files
# written once by models_data.py. Library fits and whole processes, the sides alternated,
# medians, numbers cross-checked (models_bench.py says how).
#
#   Benchmarks/peers/run_models.sh [fe poisson negbin]
#
# Environment (all optional):
#   MODELS_VENV    virtualenv with numpy, pandas, statsmodels 0.15, pyfixest 0.60
#                  (default /tmp/venv-ref; created with pip if it lacks them)
#   MODELS_DATA    folder for the data files (default /tmp/layoffstats-models)
#   MODELS_ROUNDS  rounds (default 3); MODELS_RUNS fits per process and round (default 4)
#   MODELS_R=1     also time R's MASS::glm.nb for the negative binomial (slow: ≈ 20 s a fit)
#   MODELS_CLI=0   library fits only
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${MODELS_VENV:-/tmp/venv-ref}"
data="${MODELS_DATA:-/tmp/layoffstats-models}"
models=("$@"); [[ ${#models[@]} -gt 0 ]] || models=(fe poisson negbin)
[[ -x /usr/bin/time ]] || { apt-get update -qq >/dev/null; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }
if ! "$venv/bin/python" -c 'import numpy, pandas, statsmodels, pyfixest' 2>/dev/null; then
    echo "creating $venv (numpy pandas statsmodels 0.15 pyfixest 0.60)" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --upgrade pip
    "$venv/bin/pip" install -q numpy pandas 'statsmodels>=0.15,<0.16' 'pyfixest>=0.60,<0.61'
fi
"$venv/bin/python" -c 'import sys, numpy, pandas, statsmodels, pyfixest; print("python", sys.version.split()[0], "numpy", numpy.__version__, "pandas", pandas.__version__, "statsmodels", statsmodels.__version__, "pyfixest", pyfixest.__version__)'
(cd "$root" && swift build -c release --product layoffs >&2)
(cd "$root/Benchmarks" && swift build -c release --product ModelsTiming >&2)
mkdir -p "$data"
[[ -f "$data/panel-1000000.csv" ]] || "$venv/bin/python" "$here/models_data.py" panel 1000000 200000 "$data/panel-1000000.csv"
[[ -f "$data/counts-1000000.csv" ]] || "$venv/bin/python" "$here/models_data.py" counts 1000000 "$data/counts-1000000.csv"
cat "$data"/*.csv > /dev/null
extra=()
[[ "${MODELS_R:-0}" == 1 ]] && extra+=(--r)
[[ "${MODELS_CLI:-1}" == 0 ]] && extra+=(--skip-cli)
joined="$(IFS=,; echo "${models[*]}")"
"$venv/bin/python" "$here/models_bench.py" --timing "$root/Benchmarks/.build/release/ModelsTiming" \
    --layoffs "$root/.build/release/layoffs" --data "$data" --python "$venv/bin/python" \
    --rounds "${MODELS_ROUNDS:-3}" --runs "${MODELS_RUNS:-4}" --models "$joined" "${extra[@]}"
