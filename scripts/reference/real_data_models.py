#!/usr/bin/env python3
"""Reference values for `layoffs regress` on the real layoffs.fyi export
(Tests/CLITests/RealDataModelsTests.swift), read from ../shared/datasets. Only derived
figures (coefficients, standard errors, counts) are written, never rows of the dataset.

Models, on the rows with a reported cut and funds raised (the CLI's listwise deletion):
* negative binomial `total_laid_off ~ log(funds_raised) + C(stage)`: the maximum-likelihood
  (β, θ) of statsmodels' discrete `NegativeBinomial` (BFGS, then Newton), and at that optimum the standard
  errors MASS::glm.nb reports — the IRLS information (XᵀWX)⁻¹ at the ML θ, W = μ/(1 + μ/θ) —
  and the cluster-robust ones by company (scores xᵢ(yᵢ − μᵢ)/(1 + μᵢ/θ), G/(G−1)·(n−1)/(n−k)),
  both computed here with numpy. (R's glm.nb and statsmodels' GLM IRLS both diverge on these
  heavy-tailed counts from their own starting values, so the optimum comes from Newton.)
* Poisson `total_laid_off ~ log(funds_raised) + C(stage)`: statsmodels GLM, classical and
  cluster by company.
* fractional logit `percentage_laid_off ~ log(funds_raised) + C(stage)` (binomial family on
  a fraction, Papke–Wooldridge): statsmodels GLM, HC0.
* pyfixest 0.60 `feols("log(total_laid_off) ~ log(funds_raised) | industry + country",
  vcov={"CRV1": "company"})` and `fepois("total_laid_off ~ log(funds_raised) | industry +
  country", vcov={"CRV1": "company"})`.

    /tmp/venv-ref/bin/python scripts/reference/real_data_models.py
"""
import json
import os

import numpy as np
import pandas as pd
import pyfixest as pf
import statsmodels
import statsmodels.api as sm
import statsmodels.formula.api as smf

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(os.path.dirname(ROOT), "shared", "datasets", "layoffs-fyi-2020-2026.csv")
OUT = os.path.join(ROOT, "Tests", "CLITests", "Fixtures", "real-data-models.json")

raw = pd.read_csv(DATA, keep_default_na=False, na_values=[""],
                  dtype={c: str for c in ["company", "location", "industry", "source", "stage", "country"]})
# Text as written (as the CLI's generic CSV reader and pandas read it: "Wayfair " and
# "Wayfair" are two clusters).


def our_name(s):
    """statsmodels/patsy names in the CLI's: np.log(x) → log(x)."""
    return "(Intercept)" if s == "Intercept" else s.replace("np.", "")


def record(label, names, params, bse, n, **extra):
    return {"label": label, "names": [our_name(s) for s in names], "params": [float(v) for v in params],
            "bse": [float(v) for v in bse], "n": int(n), **extra}


fits = []
formula = "total_laid_off ~ np.log(funds_raised) + C(stage)"
d = raw.dropna(subset=["total_laid_off", "funds_raised", "stage"]).copy()

# Negative binomial: the joint optimum by Newton, then glm.nb's standard errors at it.
model = smf.negativebinomial(formula, d)
start = model.fit(method="bfgs", maxiter=2000, disp=0).params      # Newton from the default start diverges
nb = model.fit(start_params=start, method="newton", maxiter=1000, tol=1e-14, disp=0)
assert nb.mle_retvals["converged"]
alpha = float(nb.params["alpha"])
theta = 1 / alpha
beta = nb.params.drop("alpha")
X = np.asarray(nb.model.exog)
y = np.asarray(nb.model.endog)
mu = np.exp(X @ beta.values)
w = mu / (1 + mu / theta)
bread = np.linalg.inv(X.T @ (w[:, None] * X))
se_classical = np.sqrt(np.diag(bread))
scores = X * ((y - mu) / (1 + mu / theta))[:, None]
groups = pd.factorize(d["company"])[0]
G = groups.max() + 1
sums = np.zeros((G, X.shape[1]))
np.add.at(sums, groups, scores)
n, k = X.shape
meat = sums.T @ sums * (G / (G - 1)) * ((n - 1) / (n - k))
se_cluster = np.sqrt(np.diag(bread @ meat @ bread))
names = list(beta.index)
fits.append(record("negbin", names, beta.values, se_classical, n, theta=theta, log_likelihood=float(nb.llf)))
fits.append(record("negbin cluster company", names, beta.values, se_cluster, n, theta=theta))

# Poisson.
for cov, label, kw in [("nonrobust", "poisson", {}),
                       ("cluster", "poisson cluster company", {"cov_kwds": {"groups": groups}})]:
    r = smf.glm(formula, d, family=sm.families.Poisson()).fit(tol=1e-14, cov_type=cov, **kw)
    fits.append(record(label, r.params.index, r.params.values, r.bse.values, r.nobs, deviance=float(r.deviance)))

# Fractional logit.
f = raw.dropna(subset=["percentage_laid_off", "funds_raised", "stage"]).copy()
r = smf.glm("percentage_laid_off ~ np.log(funds_raised) + C(stage)", f,
            family=sm.families.Binomial()).fit(tol=1e-14, cov_type="HC0")
fits.append(record("fractional logit HC0", r.params.index, r.params.values, r.bse.values, r.nobs))

# Fixed effects (pyfixest): industry and country absorbed, clustered by company.
fe = raw.dropna(subset=["total_laid_off", "funds_raised", "industry", "country"]).copy()
fe = fe[fe.total_laid_off > 0]
fe["lcut"] = np.log(fe.total_laid_off)
fe["lfunds"] = np.log(fe.funds_raised)
r = pf.feols("lcut ~ lfunds | industry + country", data=fe, vcov={"CRV1": "company"})
fits.append(record("feols industry+country cluster company", ["log(funds_raised)"], r.coef().values, r.se().values, r._N))
# Tolerances tightened from the defaults (1e-8): at those the standard error moves in
# its fifth digit.
r = pf.fepois("total_laid_off ~ lfunds | industry + country", data=fe, vcov={"CRV1": "company"},
              iwls_tol=1e-14, fixef_tol=1e-14)
fits.append(record("fepois industry+country cluster company", ["log(funds_raised)"], r.coef().values, r.se().values, r._N))

json.dump({"generator": "scripts/reference/real_data_models.py", "statsmodels": statsmodels.__version__,
           "pyfixest": pf.__version__, "source": "../shared/datasets/layoffs-fyi-2020-2026.csv", "fits": fits},
          open(OUT, "w"), indent=1)
print({f["label"]: f["n"] for f in fits})
