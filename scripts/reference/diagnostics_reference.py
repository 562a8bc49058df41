#!/usr/bin/env python3
"""Reference values for Wald tests and regression diagnostics
(Tests/StatKitTests/DiagnosticsReferenceTests.swift), from statsmodels 0.15 on
Tests/StatKitTests/Reference/panel.csv (scripts/reference/covariance_reference.py):

* `f_test` of linear hypotheses under the classical, HC3 and cluster-by-firm covariances
  (use_t=True: F with n − k, or G − 1, denominator degrees of freedom);
* `variance_inflation_factor` of each column but the constant;
* `het_breuschpagan(resid, exog, robust=True)` (Koenker);
* `linear_reset(res, power=3, test_type="fitted", use_f=True)`;
* `OLSInfluence`: leverage, Cook's distance, externally studentised residuals, DFBETAS
  (the first 20 rows, and the largest Cook's distance).

Usage (a throwaway venv):
    /tmp/venv-ref/bin/python scripts/reference/diagnostics_reference.py
"""
import json
import os

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.formula.api as smf
from statsmodels.stats.diagnostic import het_breuschpagan, linear_reset
from statsmodels.stats.outliers_influence import OLSInfluence, variance_inflation_factor

HERE = os.path.dirname(os.path.abspath(__file__))
REF = os.path.join(HERE, "..", "..", "Tests", "StatKitTests", "Reference")
df = pd.read_csv(os.path.join(REF, "panel.csv"))
formula = "y ~ x1 + x2 + I(x2**2)"
model = smf.ols(formula, data=df)
names = ["(Intercept)", "x1", "x2", "I(x2^2)"]
res = model.fit()
tests = []
for cov, kw in [("classical", {}), ("HC3", {"cov_type": "HC3"}),
                ("cluster", {"cov_type": "cluster", "cov_kwds": {"groups": pd.factorize(df.firm)[0]}})]:
    r = model.fit(use_t=True, **kw)
    for hyp, sm_hyp in [("x1 = 0, x2 = 0", "x1 = 0, x2 = 0"), ("x1 = 1", "x1 = 1"),
                        ("x2 - 2*I(x2^2) = 0.5", "x2 - 2*I(x2 ** 2) = 0.5"),
                        ("x1 + x2 = 0, (Intercept) = 1", "x1 + x2 = 0, Intercept = 1")]:
        t = r.f_test(sm_hyp)
        tests.append({"cov": cov, "hypothesis": hyp, "statistic": float(np.squeeze(t.fvalue)),
                      "df1": int(t.df_num), "df2": int(t.df_denom), "p_value": float(t.pvalue)})
exog = model.exog
vif = {names[j]: float(variance_inflation_factor(exog, j)) for j in range(1, exog.shape[1])}
lm, lmp, _, _ = het_breuschpagan(res.resid, exog, robust=True)
reset = linear_reset(res, power=3, test_type="fitted", use_f=True)
infl = OLSInfluence(res)
cooks = infl.cooks_distance[0]
out = {
    "generator": "scripts/reference/diagnostics_reference.py", "statsmodels": statsmodels.__version__,
    "formula": "y ~ x1 + x2 + I(x2^2)", "names": names, "tests": tests, "vif": vif,
    "breusch_pagan": {"statistic": float(lm), "df": exog.shape[1] - 1, "p_value": float(lmp)},
    "reset": {"statistic": float(reset.fvalue), "df1": int(reset.df_num), "df2": int(reset.df_denom), "p_value": float(reset.pvalue)},
    "cooks_distance_max": float(cooks.max()), "cooks_distance_max_row": int(np.argmax(cooks)),
    "rows": {
        "leverage": infl.hat_matrix_diag[:20].tolist(), "cooks_distance": cooks[:20].tolist(),
        "studentized": infl.resid_studentized_external[:20].tolist(), "dfbetas": infl.dfbetas[:20].tolist(),
    },
}
json.dump(out, open(os.path.join(REF, "diagnostics.json"), "w"), indent=1)
