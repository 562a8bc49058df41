#!/usr/bin/env python3
"""Reference values for `layoffs regress` end to end (Tests/CLITests/RegressCommandTests.swift).

Writes Tests/CLITests/Fixtures/regress-data.csv (a deterministic mixed dataset with a
categorical column, a cluster id, weights and some missing values) and
Tests/CLITests/Fixtures/regress-reference.json with statsmodels' results for several
formulas and covariance types. Run with numpy, pandas, statsmodels and patsy installed:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install numpy pandas statsmodels patsy
    /tmp/venv/bin/python scripts/reference/cli_regress_reference.py
"""
import json, os
import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "CLITests", "Fixtures")
rng = np.random.default_rng(20261126)
n = 240
g = rng.choice(["alpha", "beta", "gamma", "delta"], size=n)
firm = rng.integers(1, 31, size=n)
emp = np.exp(rng.normal(8, 1.2, size=n)).round()
growth = rng.normal(5, 12, size=n).round(1)
eff = {"alpha": 0.0, "beta": 0.3, "gamma": -0.2, "delta": 0.5}
firm_eff = rng.normal(0, 0.4, size=31)
logcut = -1.0 + 0.7 * np.log(emp) - 0.015 * growth + np.array([eff[v] for v in g]) + firm_eff[firm] + rng.normal(0, 0.5 + 0.02 * np.abs(growth), size=n)
cut = np.maximum(1, np.exp(logcut).round())
w = rng.uniform(0.5, 2.0, size=n).round(3)
df = pd.DataFrame({"cut": cut, "employees": emp, "growth": growth, "sector": g, "firm": firm, "w": w})
# Missing values the CLI must exclude and count.
df.loc[[3, 17, 90], "cut"] = np.nan
df.loc[[5, 44], "employees"] = np.nan
df.loc[[200], "sector"] = None
df.to_csv(os.path.join(OUT, "regress-data.csv"), index=False, na_rep="")

cases = [
    ("np.log(cut) ~ np.log(employees) + growth", "log(cut) ~ log(employees) + growth", "nonrobust", None, None),
    ("np.log(cut) ~ np.log(employees) + growth", "log(cut) ~ log(employees) + growth", "HC3", None, None),
    ("np.log(cut) ~ np.log(employees) + growth + C(sector)", "log(cut) ~ log(employees) + growth + C(sector)", "cluster", "firm", None),
    ("np.log(cut) ~ np.log(employees) * growth + I(growth**2)", "log(cut) ~ log(employees) * growth + I(growth^2)", "HC1", None, None),
    ("np.log(cut) ~ np.log(employees) + growth", "log(cut) ~ log(employees) + growth", "nonrobust", None, "w"),
    ("np.log(cut) ~ np.log(employees) + growth - 1", "log(cut) ~ log(employees) + growth - 1", "HC0", None, None),
    ("np.log(cut) ~ np.log(employees) + growth", "log(cut) ~ log(employees) + growth", "HC2", None, None),
]
results = []
for sm_formula, our_formula, cov, cluster, weights in cases:
    d = df.dropna(subset=[c for c in ["cut", "employees", "growth"] + (["sector"] if "sector" in sm_formula else []) + ([weights] if weights else [])])
    model = smf.wls(sm_formula, d, weights=d[weights]) if weights else smf.ols(sm_formula, d)
    # use_t=True: t and F reference distributions for robust covariances too, as Stata and
    # R's lmtest::coeftest do (statsmodels' default for robust types is normal/chi²).
    kw = {"cov_type": cov, "use_t": True}
    if cluster:
        kw["cov_kwds"] = {"groups": d[cluster]}
    r = model.fit(**kw)
    ci = r.conf_int(0.05)
    results.append({
        "formula": our_formula, "cov": {"nonrobust": "classical"}.get(cov, cov), "cluster": cluster, "weights": weights,
        "n": int(r.nobs), "params": list(map(float, r.params)), "bse": list(map(float, r.bse)),
        "tvalues": list(map(float, r.tvalues)), "pvalues": list(map(float, r.pvalues)),
        "ci_low": list(map(float, ci[0])), "ci_high": list(map(float, ci[1])),
        "rsquared": float(r.rsquared), "rsquared_adj": float(r.rsquared_adj),
        "fvalue": float(np.squeeze(r.fvalue)), "f_pvalue": float(np.squeeze(r.f_pvalue)),
        "llf": float(r.llf), "aic": float(r.aic), "bic": float(r.bic),
        "sigma": float(np.sqrt(r.scale)), "df_resid": float(r.df_resid), "df_model": float(r.df_model),
        "names": list(r.params.index),
    })
with open(os.path.join(OUT, "regress-reference.json"), "w") as f:
    json.dump({"generator": "statsmodels " + __import__("statsmodels").__version__, "cases": results}, f, indent=1)
print("wrote", len(results), "cases")
