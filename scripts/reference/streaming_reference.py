#!/usr/bin/env python3
"""Reference values for StatKit's streaming formula fit (Tests/StatKitTests/StreamingReferenceTests.swift).

Writes Tests/StatKitTests/Reference/streaming-categorical.csv, a deterministic data set
built so that streaming has something to discover on the way:
* `region` (text) whose levels first appear in unsorted order, with `west` appearing only
  after row 600 (a column appended to the R factor mid-stream) and `south` used as an
  explicit reference in one formula;
* `tier` (integers 1, 2, 3) used as a numeric categorical C(tier);
* `x` numeric, `size` positive (used as log(size)), `w` weights, `firm` clusters (text);
* missing values in y, x, region and size,
and Tests/StatKitTests/Reference/streaming-categorical.json with statsmodels' results
(params, bse, t, p, CI, R², adjusted R², F and its p, log-likelihood, AIC, BIC, σ) for
several formulas and covariance types. Rows with a missing value in a used column are
dropped here with pandas before statsmodels sees them (patsy's NA_action="drop" does the
same; the weights and cluster columns are dropped explicitly). `use_t=True`: t and F
reference distributions for robust covariances too, as StatKit does; cluster-robust
is CR1 with statsmodels' default small-sample correction and G − 1 df.

Names: patsy's "Intercept" is StatKit's "(Intercept)", np.log(size) is log(size) and
C(region, Treatment("south")) is C(region, ref="south") with columns C(region)[T.level].

Usage (a throwaway venv):
    python3 -m venv /tmp/venv-sf && /tmp/venv-sf/bin/pip install numpy pandas statsmodels patsy
    /tmp/venv-sf/bin/python scripts/reference/streaming_reference.py
"""
import json
import os

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.formula.api as smf

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "Tests", "StatKitTests", "Reference")

rng = np.random.default_rng(20261127)
n = 1000
early = ["north", "east", "south", "central", "coast"]
region = []
for i in range(n):
    if i >= 600 and i % 5 == 0:
        region.append("west")
    else:
        region.append(early[rng.integers(0, len(early))])
tier = rng.integers(1, 4, n)
x = rng.normal(2, 3, n).round(4)
size = np.exp(rng.normal(3, 1, n)).round(3)
firm = np.array([f"firm{k:02d}" for k in rng.integers(0, 45, n)])
w = rng.uniform(0.4, 2.5, n).round(3)
eff = {"north": 0.0, "east": 0.4, "south": -0.3, "central": 0.8, "coast": 0.2, "west": 1.1}
firm_eff = {f"firm{k:02d}": v for k, v in enumerate(rng.normal(0, 0.5, 45))}
y = (1.0 + 0.6 * x - 0.4 * np.log(size) + np.array([eff[r] for r in region]) + 0.15 * tier
     + 0.1 * x * (tier == 2) + np.array([firm_eff[f] for f in firm])
     + rng.normal(0, 1, n) * (0.6 + 0.1 * np.abs(x)))
df = pd.DataFrame({"y": y.round(6), "x": x, "size": size, "region": region, "tier": tier, "firm": firm, "w": w})
df["region"] = df["region"].astype(object)
for col, rows in [("y", [4, 77, 512]), ("x", [9, 300]), ("region", [15, 640, 901]), ("size", [33])]:
    df.loc[rows, col] = np.nan if col != "region" else None
df.to_csv(os.path.join(OUT, "streaming-categorical.csv"), index=False, na_rep="")

cases = [
    # (statsmodels formula, StatKit formula, covariance, cluster, weights, columns used)
    ("y ~ x + np.log(size) + C(region)", "y ~ x + log(size) + C(region)", "nonrobust", None, None),
    ("y ~ x * C(region, Treatment('south'))", "y ~ x * C(region, ref=\"south\")", "HC3", None, None),
    ("y ~ np.log(size) + C(region) + C(tier) + x:C(tier)", "y ~ log(size) + C(region) + C(tier) + x:C(tier)", "cluster", "firm", None),
    ("y ~ x + C(region)", "y ~ x + C(region)", "nonrobust", None, "w"),
    ("y ~ x + C(region)", "y ~ x + C(region)", "HC2", None, "w"),
    ("y ~ 0 + C(region) + x", "y ~ 0 + C(region) + x", "HC0", None, None),
    ("y ~ C(tier) + np.log(size) + x", "y ~ C(tier) + log(size) + x", "HC1", None, None),
]


def used_columns(formula, cluster, weights):
    cols = [c for c in ["y", "x", "size", "region", "tier"] if c in formula]
    return cols + [c for c in [weights, cluster] if c]


def our_name(name):
    name = name.replace("Intercept", "(Intercept)").replace("np.log(size)", "log(size)")
    return name.replace("C(region, Treatment('south'))", "C(region)")


def finite_or_none(v):
    v = float(v)
    return v if np.isfinite(v) else None


results = []
for sm_formula, our_formula, cov, cluster, weights in cases:
    d = df.dropna(subset=used_columns(sm_formula, cluster, weights))
    model = smf.wls(sm_formula, d, weights=d[weights]) if weights else smf.ols(sm_formula, d)
    kw = {"cov_type": cov, "use_t": True}
    if cluster:
        kw["cov_kwds"] = {"groups": pd.factorize(d[cluster])[0]}
    r = model.fit(**kw)
    ci = r.conf_int(0.05)
    rsq, rsq_adj, df_model = float(r.rsquared), float(r.rsquared_adj), float(r.df_model)
    if sm_formula.startswith("y ~ 0 +"):
        # statsmodels sees the full set of dummies as an implicit constant (centred R²,
        # k − 1 model df); StatKit follows R: no intercept in the formula → uncentred R²,
        # k model df. Computed here from statsmodels' residual sum of squares.
        k = len(r.params)
        rsq = 1 - float(r.ssr) / float((d["y"] ** 2).sum())
        rsq_adj = 1 - r.nobs / (r.nobs - k) * (1 - rsq)
        df_model = float(k)
    results.append({
        "formula": our_formula, "cov": {"nonrobust": "classical"}.get(cov, cov), "cluster": cluster, "weights": weights,
        "n": int(r.nobs), "names": [our_name(s) for s in r.params.index],
        "params": list(map(float, r.params)), "bse": list(map(float, r.bse)),
        "tvalues": list(map(float, r.tvalues)), "pvalues": list(map(float, r.pvalues)),
        "ci_low": list(map(float, ci.iloc[:, 0])), "ci_high": list(map(float, ci.iloc[:, 1])),
        "rsquared": rsq, "rsquared_adj": rsq_adj,
        # statsmodels has no robust F without an explicit constant column (NaN): null here.
        "fvalue": finite_or_none(np.squeeze(r.fvalue)), "f_pvalue": finite_or_none(np.squeeze(r.f_pvalue)),
        "llf": float(r.llf), "aic": float(r.aic), "bic": float(r.bic),
        "sigma": float(np.sqrt(r.scale)), "df_resid": float(r.df_resid), "df_model": df_model,
    })

with open(os.path.join(OUT, "streaming-categorical.json"), "w") as f:
    json.dump({"generator": "scripts/reference/streaming_reference.py", "statsmodels": statsmodels.__version__,
               "rows": n, "cases": results}, f, indent=1)
print(f"wrote {len(results)} cases")
