#!/usr/bin/env python3
"""The wide-design peers on the file of wide_data.py, each phase timed apart (best of N):

  read       pandas.read_csv
  dummies    the 53-column design (intercept, x1, x2, 49 treatment dummies)
  lstsq      numpy.linalg.lstsq (coefficients only)
  statsmodels  OLS + HC3 from the same design (optional: --statsmodels)

    python3 wide_numpy.py FILE.csv [runs] [--statsmodels]
"""
import sys
import time

import numpy as np
import pandas as pd


def best(label, runs, f):
    t, out = float("inf"), None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = f()
        t = min(t, time.perf_counter() - t0)
    print(f"{label:12s} best {t:.2f} s ({runs} runs)", flush=True)
    return out


def main():
    path = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2].isdigit() else 3
    df = best("read", runs, lambda: pd.read_csv(path))

    def design():
        d = pd.get_dummies(df["g"], prefix="g", drop_first=True, dtype=float)
        x = np.column_stack([np.ones(len(df)), df["x1"].to_numpy(), df["x2"].to_numpy(), d.to_numpy()])
        return np.asfortranarray(x)

    x = best("dummies", runs, design)
    y = df["y"].to_numpy()
    b = best("lstsq", runs, lambda: np.linalg.lstsq(x, y, rcond=None)[0])
    print(f"n = {len(y)}, columns = {x.shape[1]}, x1: {b[1]}")
    if "--statsmodels" in sys.argv:
        import statsmodels.api as sm
        r = best("statsmodels", 1, lambda: sm.OLS(y, x).fit(cov_type="HC3"))
        print(f"x1: {r.params[1]} (HC3 se {r.bse[1]})")


if __name__ == "__main__":
    main()
