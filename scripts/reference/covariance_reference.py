#!/usr/bin/env python3
"""Reference values for the multiway cluster, HAC and Driscoll–Kraay covariances
(Tests/StatKitTests/CovarianceReferenceTests.swift).

Writes Tests/StatKitTests/Reference/panel.csv, a generated unbalanced panel (firm, year,
quarter index t, x1, x2, y with firm and year effects in the errors), and panel.json with:
* pyfixest 0.60 `feols("y ~ x1 + x2", vcov={"CRV1": "firm+year"})` (two-way clustering,
  Cameron–Gelbach–Miller with G = min(G) in the small-sample factor) and the one-way fits;
* statsmodels 0.15 `OLS(...).fit(cov_type="HAC", cov_kwds={"maxlags": 3}, use_t=True)` on
  the rows in file order, and on the rows of one firm ordered by t (a time column);
* statsmodels `cov_type="hac-groupsum"` (Driscoll–Kraay) by t with maxlags 2, use_t=True
  (degrees of freedom T − 1, see below).

Usage (a throwaway venv):
    python3 -m venv /tmp/venv-ref && /tmp/venv-ref/bin/pip install numpy pandas statsmodels pyfixest
    /tmp/venv-ref/bin/python scripts/reference/covariance_reference.py
"""
import json
import os

import numpy as np
import pandas as pd
import pyfixest as pf
import statsmodels
import statsmodels.api as sm

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "Tests", "StatKitTests", "Reference")

rng = np.random.default_rng(20261207)
rows = []
for firm in range(80):
    fe = rng.normal()
    start = rng.integers(0, 4)
    for t in range(start, start + rng.integers(8, 20)):
        year = 2000 + t // 4
        rows.append((f"F{firm:03d}", year, t, fe))
df = pd.DataFrame(rows, columns=["firm", "year", "t", "fe"])
n = len(df)
year_shock = {y: rng.normal() for y in sorted(df.year.unique())}
df["x1"] = rng.normal(size=n) + 0.5 * df.fe
df["x2"] = rng.exponential(size=n)
e = rng.normal(size=n) + df.fe + df.year.map(year_shock)
df["y"] = 1 + 0.5 * df.x1 - 0.3 * df.x2 + e
df = df.drop(columns="fe")
df.to_csv(os.path.join(OUT, "panel.csv"), index=False, float_format="%.17g")
df = pd.read_csv(os.path.join(OUT, "panel.csv"))   # the values the tests read
X = sm.add_constant(df[["x1", "x2"]].to_numpy())
y = df.y.to_numpy()
names = ["(Intercept)", "x1", "x2"]


def record(label, params, bse, df_inference):
    return {"label": label, "names": names, "params": [float(v) for v in params], "bse": [float(v) for v in bse],
            "df": int(df_inference)}


cases = []
for vcov, label in [({"CRV1": "firm"}, "cluster firm"), ({"CRV1": "year"}, "cluster year"),
                    ({"CRV1": "firm+year"}, "cluster firm+year")]:
    r = pf.feols("y ~ x1 + x2", data=df, vcov=vcov)
    cases.append(record(label, r.coef().to_numpy(), r.se().to_numpy(), r._df_t))

r = sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": 3}, use_t=True)
cases.append(record("HAC 3", r.params, r.bse, r.df_resid))

one = df[df.firm == "F007"].sort_values("t")
r = sm.OLS(one.y.to_numpy(), sm.add_constant(one[["x1", "x2"]].to_numpy())).fit(
    cov_type="HAC", cov_kwds={"maxlags": 2}, use_t=True)
cases.append(record("HAC 2 firm F007 by t", r.params, r.bse, r.df_resid))

tcodes = df.t.to_numpy()
r = sm.OLS(y, X).fit(cov_type="hac-groupsum", cov_kwds={"time": tcodes, "maxlags": 2}, use_t=True)
# Degrees of freedom T − 1 for T periods (Stata's xtscc, fixest's "DK"): statsmodels counts
# the places where `time` decreases, i.e. the firms of a panel stacked by firm, instead.
cases.append(record("DK 2 by t", r.params, r.bse, len(np.unique(tcodes)) - 1))

json.dump({"generator": "scripts/reference/covariance_reference.py", "statsmodels": statsmodels.__version__,
           "pyfixest": pf.__version__, "rows": n, "cases": cases}, open(os.path.join(OUT, "panel.json"), "w"), indent=1)
print(n, "rows")
