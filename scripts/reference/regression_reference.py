#!/usr/bin/env python3
"""Reference values for StatKit's regression tests, computed with statsmodels.

Writes Tests/StatKitTests/Reference/regression-statsmodels.json. The data themselves are
stored in the JSON (floats printed with repr, so they round-trip exactly), so the Swift
tests need no random-number generator.

Usage (from the package root):
    python3 -m venv /tmp/venv-ls && /tmp/venv-ls/bin/pip install numpy scipy pandas statsmodels
    /tmp/venv-ls/bin/python scripts/reference/regression_reference.py
"""
import json
import os
import sys

import numpy as np
import scipy
import statsmodels
import statsmodels.api as sm

COV_TYPES = ["nonrobust", "HC0", "HC1", "HC2", "HC3", "cluster"]
SWIFT_NAMES = {"nonrobust": "classical", "HC0": "HC0", "HC1": "HC1", "HC2": "HC2", "HC3": "HC3", "cluster": "cluster"}


def flist(a):
    return [float(v) for v in np.asarray(a, dtype=float).ravel()]


def describe(res, X, groups, X0, w0=None):
    out = {
        "params": flist(res.params),
        "rsquared": float(res.rsquared),
        "rsquared_adj": float(res.rsquared_adj),
        "llf": float(res.llf),
        "aic": float(res.aic),
        "bic": float(res.bic),
        "scale": float(res.scale),
        "df_model": float(res.df_model),
        "df_resid": float(res.df_resid),
        "ssr": float(res.ssr),
        # statsmodels' condition_number (sqrt of eigenvalue ratio of X'X) and the same
        # quantity from the singular values of the whitened design (accurate when X'X is
        # ill-conditioned); the Swift tests compare with the SVD value.
        "condition_number_statsmodels": float(res.condition_number),
        "condition_number_svd": float(np.linalg.cond(res.model.wexog)),
        "durbin_watson": float(sm.stats.stattools.durbin_watson(res.wresid)),
        "resid": flist(res.resid),
        # Five-number summary of the whitened residuals, quantile type 7 (NumPy "linear").
        "wresid_quantiles": flist(np.percentile(res.wresid, [0, 25, 50, 75, 100])),
        "fitted": flist(res.fittedvalues),
        "cov": {},
    }
    for ct in COV_TYPES:
        if ct == "nonrobust":
            r = res
        elif ct == "cluster":
            r = res.get_robustcov_results(cov_type="cluster", groups=groups)
        else:
            r = res.get_robustcov_results(cov_type=ct)
        ci = np.asarray(r.conf_int(alpha=0.05))
        pred = r.get_prediction(X0, weights=w0)
        sf = pred.summary_frame(alpha=0.05)
        out["cov"][SWIFT_NAMES[ct]] = {
            "bse": flist(r.bse),
            "tvalues": flist(r.tvalues),
            "pvalues": flist(r.pvalues),
            "ci_low": flist(ci[:, 0]),
            "ci_high": flist(ci[:, 1]),
            "fvalue": float(np.squeeze(r.fvalue)),
            "f_pvalue": float(np.squeeze(r.f_pvalue)),
            "cov_params": flist(r.cov_params()),
            "predict_mean": flist(sf["mean"]),
            "predict_mean_se": flist(sf["mean_se"]),
            "predict_mean_ci_low": flist(sf["mean_ci_lower"]),
            "predict_mean_ci_high": flist(sf["mean_ci_upper"]),
            "predict_obs_ci_low": flist(sf["obs_ci_lower"]),
            "predict_obs_ci_high": flist(sf["obs_ci_upper"]),
        }
    return out


def high_precision(X, y, w, groups, X0, const_idx=0, dps=50):
    """Covariances, Wald F and prediction SEs in 50-digit arithmetic (mpmath).

    Independent of statsmodels' double-precision pinv, whose error on an ill-conditioned
    design such as Longley (cond 4.9e9) reaches ~1e-9 relative in robust quantities.
    """
    import mpmath as mp
    mp.mp.dps = dps
    n, k = X.shape
    sw = [mp.sqrt(mp.mpf(float(v))) for v in w]
    Xw = mp.matrix(n, k)
    for i in range(n):
        for j in range(k):
            Xw[i, j] = mp.mpf(float(X[i, j])) * sw[i]
    yw = mp.matrix([mp.mpf(float(y[i])) * sw[i] for i in range(n)])
    XtX = Xw.T * Xw
    B = mp.inverse(XtX)
    beta = B * (Xw.T * yw)
    e = yw - Xw * beta
    ssr = sum(e[i] ** 2 for i in range(n))
    s2 = ssr / (n - k)
    H = [sum(Xw[i, a] * B[a, b] * Xw[i, b] for a in range(k) for b in range(k)) for i in range(n)]

    def sandwich(omega):
        meat = mp.matrix(k, k)
        for i in range(n):
            for a in range(k):
                for b in range(k):
                    meat[a, b] += omega[i] * Xw[i, a] * Xw[i, b]
        return B * meat * B

    covs = {"classical": s2 * B}
    covs["HC0"] = sandwich([e[i] ** 2 for i in range(n)])
    covs["HC1"] = covs["HC0"] * (mp.mpf(n) / (n - k))
    covs["HC2"] = sandwich([e[i] ** 2 / (1 - H[i]) for i in range(n)])
    covs["HC3"] = sandwich([e[i] ** 2 / (1 - H[i]) ** 2 for i in range(n)])
    labels = sorted(set(int(g) for g in groups))
    G = len(labels)
    meat = mp.matrix(k, k)
    for g in labels:
        u = [sum(e[i] * Xw[i, a] for i in range(n) if int(groups[i]) == g) for a in range(k)]
        for a in range(k):
            for b in range(k):
                meat[a, b] += u[a] * u[b]
    covs["cluster"] = B * meat * B * (mp.mpf(G) / (G - 1) * mp.mpf(n - 1) / (n - k))
    out = {"params": [float(beta[j]) for j in range(k)]}
    idx = [j for j in range(k) if j != const_idx]
    for name, V in covs.items():
        entry = {"bse": [float(mp.sqrt(V[j, j])) for j in range(k)]}
        sub = mp.matrix(len(idx), len(idx))
        for a, i in enumerate(idx):
            for b, j in enumerate(idx):
                sub[a, b] = V[i, j]
        bs = mp.matrix([beta[j] for j in idx])
        if name != "cluster" or G - 1 >= len(idx):
            entry["fvalue_wald"] = float((bs.T * mp.inverse(sub) * bs)[0] / len(idx))
        entry["predict_mean_se"] = []
        for r in range(X0.shape[0]):
            x0 = mp.matrix([mp.mpf(float(v)) for v in X0[r]])
            entry["predict_mean_se"].append(float(mp.sqrt((x0.T * V * x0)[0])))
        out[name] = entry
    return out


def dataset(name, X, names, y, groups, weights, X0, has_const=True, mp_check=False):
    ols = sm.OLS(y, X, hasconst=has_const).fit()
    wls = sm.WLS(y, X, weights=weights, hasconst=has_const).fit()
    extra = {}
    if mp_check:
        extra = {"ols_mp": high_precision(X, y, np.ones(len(y)), groups, X0),
                 "wls_mp": high_precision(X, y, weights, groups, X0)}
    return extra | {
        "name": name,
        "terms": names,
        "has_intercept": has_const,
        "columns": [flist(X[:, j]) for j in range(X.shape[1])],
        "y": flist(y),
        "groups": [int(g) for g in groups],
        "weights": flist(weights),
        "x0_columns": [flist(X0[:, j]) for j in range(X0.shape[1])],
        "ols": describe(ols, X, groups, X0),
        "wls": describe(wls, X, groups, X0),
    }


def generated():
    # Heteroscedastic errors that are correlated within 12 clusters; a cluster-level
    # regressor (like an industry effect) and two observation-level ones.
    rng = np.random.default_rng(20261126)
    n, G = 240, 12
    groups = rng.integers(0, G, size=n)
    x1 = rng.normal(10.0, 3.0, size=n)
    x2 = rng.uniform(-2.0, 2.0, size=n)
    xg = rng.normal(0.0, 1.0, size=G)[groups]
    u = rng.normal(0.0, 1.0, size=G)[groups]
    y = 1.5 + 0.8 * x1 - 2.0 * x2 + 0.5 * xg + (0.5 + 0.3 * np.abs(x2)) * rng.normal(size=n) + u
    X = np.column_stack([np.ones(n), x1, x2, xg])
    weights = 1.0 / (0.5 + 0.3 * np.abs(x2)) ** 2
    X0 = np.array([[1.0, 8.0, 0.5, -1.0], [1.0, 12.0, -1.5, 0.3], [1.0, 10.0, 0.0, 2.0]])
    return dataset("generated", X, ["Intercept", "x1", "x2", "xg"], y, groups, weights, X0)


def longley():
    data = sm.datasets.longley.load_pandas()
    exog = np.asarray(data.exog, dtype=float)
    y = np.asarray(data.endog, dtype=float)
    n = len(y)
    X = np.column_stack([np.ones(n), exog])
    names = ["Intercept"] + list(data.exog.columns)
    groups = np.arange(n) // 4  # four 4-year blocks
    weights = 1.0 + (np.arange(n) % 3)  # 1, 2, 3, 1, 2, 3, ...
    X0 = X[[0, 7, 15], :] * np.array([1, 1.01, 1.02, 0.99, 1.0, 1.01, 1.0])
    return dataset("longley", X, names, y, groups, weights, X0, mp_check=True)


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = {
        "generator": "scripts/reference/regression_reference.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__,
                     "statsmodels": statsmodels.__version__},
        "datasets": [generated(), longley()],
    }
    path = os.path.join(root, "Tests", "StatKitTests", "Reference", "regression-statsmodels.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
