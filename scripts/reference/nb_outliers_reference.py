#!/usr/bin/env python3
"""Reference values for a negative binomial fit that plain IRLS cannot make
(Tests/StatKitTests/GLMEdgeCaseTests.swift): 300 counts drawn from NB2 (θ = 0.8,
log μ = 4.4 + 0.05·x, x ~ N(5.3, 1.6)) plus 3, of which the three with the smallest x are
replaced by cuts of 5,000–22,000 — high-leverage outliers, the shape of layoffs.fyi's cuts
against funds raised. R's MASS::glm.nb stops with "NA/NaN/Inf in 'x'" (its IRLS diverges)
and statsmodels' GLM IRLS returns NaN weights; the likelihood still has its maximum.

Writes Tests/StatKitTests/Reference/nb-outliers.csv and nb-outliers.json: the maximum-
likelihood (β, θ) of statsmodels' discrete NegativeBinomial (BFGS, then Newton to 1e-14),
and at that optimum the standard errors glm.nb reports — (XᵀWX)⁻¹ with W = μ/(1 + μ/θ) —
computed with numpy.

    /tmp/venv-ref/bin/python scripts/reference/nb_outliers_reference.py
"""
import json
import os

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.api as sm

HERE = os.path.dirname(os.path.abspath(__file__))
REF = os.path.join(HERE, "..", "..", "Tests", "StatKitTests", "Reference")

rng = np.random.default_rng(1)
n, theta = 300, 0.8
x = rng.normal(5.3, 1.6, size=n)
mu = np.exp(4.4 + 0.05 * x)
y = rng.negative_binomial(theta, theta / (theta + mu)) + 3
idx = np.argsort(x)[:3]
y[idx] = rng.integers(5000, 22000, size=3)
pd.DataFrame({"y": y, "x": x.round(3)}).to_csv(os.path.join(REF, "nb-outliers.csv"), index=False)

d = pd.read_csv(os.path.join(REF, "nb-outliers.csv"))
X = sm.add_constant(d.x.values)
model = sm.NegativeBinomial(d.y.values, X)
start = model.fit(method="bfgs", maxiter=2000, disp=0).params
fit = model.fit(start_params=start, method="newton", maxiter=1000, tol=1e-14, disp=0)
assert fit.mle_retvals["converged"]
beta, alpha = fit.params[:-1], fit.params[-1]
th = 1 / alpha
m = np.exp(X @ beta)
w = m / (1 + m / th)
se = np.sqrt(np.diag(np.linalg.inv(X.T @ (w[:, None] * X))))
json.dump({"generator": "scripts/reference/nb_outliers_reference.py", "statsmodels": statsmodels.__version__,
           "names": ["(Intercept)", "x"], "coefficients": beta.tolist(), "se": se.tolist(), "theta": th,
           "log_likelihood": float(fit.llf)}, open(os.path.join(REF, "nb-outliers.json"), "w"), indent=1)
print(beta, th, se)
