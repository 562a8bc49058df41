#!/usr/bin/env python3
"""Reference values for wide categorical designs (Tests/StatKitTests/WideDesignTests.swift).

Writes Tests/StatKitTests/Reference/wide-categorical.csv: 6,000 rows of y, x1, x2 and a
factor g of 50 levels (uneven frequencies, heteroskedastic errors), and
wide-categorical.json with statsmodels' OLS of `y ~ x1 + x2 + C(g)` (52 columns and the
intercept): params and standard errors under the classical, HC1, HC3 and cluster (by
`firm`, 120 ids) covariances, R², σ and F.

Usage (a throwaway venv):
    python3 -m venv /tmp/venv-ref && /tmp/venv-ref/bin/pip install numpy pandas statsmodels patsy
    /tmp/venv-ref/bin/python scripts/reference/wide_reference.py
"""
import json
import os

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.formula.api as smf

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "Tests", "StatKitTests", "Reference")

rng = np.random.default_rng(20261207)
n = 6000
weights = rng.uniform(0.2, 3.0, size=50)
g = rng.choice(50, size=n, p=weights / weights.sum())
x1 = rng.normal(size=n)
x2 = rng.exponential(size=n) * 3
firm = rng.integers(0, 120, size=n)
y = 1 + 0.5 * x1 - 0.2 * x2 + np.sin(g) + rng.normal(size=n) * (0.5 + np.abs(x1))
df = pd.DataFrame({"y": y, "x1": x1, "x2": x2, "g": [f"L{v:02d}" for v in g], "firm": [f"F{v}" for v in firm]})
with open(os.path.join(OUT, "wide-categorical.csv"), "w") as f:
    f.write("y,x1,x2,g,firm\n")
    for r in df.itertuples(index=False):
        f.write(f"{float(r.y)!r},{float(r.x1)!r},{float(r.x2)!r},{r.g},{r.firm}\n")

model = smf.ols("y ~ x1 + x2 + C(g)", data=df)
cases = []
for cov, kw in [("classical", {}), ("HC1", {"cov_type": "HC1"}), ("HC3", {"cov_type": "HC3"}),
                ("cluster", {"cov_type": "cluster", "cov_kwds": {"groups": pd.factorize(df.firm)[0]}})]:
    r = model.fit(use_t=True, **kw)
    cases.append({
        "cov": cov,
        "names": ["(Intercept)" if n == "Intercept" else n for n in r.params.index],
        "params": [float(v) for v in r.params], "bse": [float(v) for v in r.bse],
        "rsquared": float(r.rsquared), "sigma": float(np.sqrt(r.scale)), "fvalue": float(np.squeeze(r.fvalue)),
    })
json.dump({"generator": "scripts/reference/wide_reference.py", "statsmodels": statsmodels.__version__, "rows": n,
           "cases": cases}, open(os.path.join(OUT, "wide-categorical.json"), "w"), indent=1)
