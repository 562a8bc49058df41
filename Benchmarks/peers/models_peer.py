#!/usr/bin/env python3
"""The peers of ModelsTiming, on the files of models_data.py.

    python3 models_peer.py MODEL FILE [runs]     # library: read once (not timed), then time the fit `runs` times
    python3 models_peer.py MODEL FILE --cli      # whole process: read_csv + fit + coefficient table, once

MODEL:
  fe       pyfixest feols("y ~ x1 + x2 | company + year", vcov={"CRV1": "company"})
  poisson  statsmodels GLM(y, X, family=Poisson(), offset=log(employees)).fit()  (IRLS)
  negbin   statsmodels discrete NegativeBinomial(y, X, offset=log(employees), loglike_method="nb2")
           .fit(method="newton"): β and α = 1/θ by joint maximum likelihood, the same estimates
           as MASS::glm.nb's alternation of IRLS and θ's ML (what StatKit does)
  negbin-glm  statsmodels GLM NegativeBinomial(alpha) at a fixed α (the NB fit's), IRLS only:
           the inner step of glm.nb alone, for scale (not like for like)

Library mode prints one line per run (`time_ms <ms>`), then the coefficients and
standard errors (`coef name value se`) for the cross-check.
"""
import sys
import time

import numpy as np
import pandas as pd

COUNT_TERMS = ["x1", "x2", "x3", "x4", "x5"]


def read(path):
    return pd.read_csv(path)


def fit(model, data, alpha=None):
    """Returns (names, estimates, standard errors[, extra])."""
    if model == "fe":
        import pyfixest as pf
        f = pf.feols("y ~ x1 + x2 | company + year", data=data, vcov={"CRV1": "company"})
        return list(f.coef().index), f.coef().to_numpy(), f.se().to_numpy(), {}
    import statsmodels.api as sm
    X = sm.add_constant(data[COUNT_TERMS].to_numpy(dtype=float), prepend=True)
    y = data["y"].to_numpy(dtype=float)
    off = np.log(data["employees"].to_numpy(dtype=float))
    names = ["(Intercept)"] + COUNT_TERMS
    if model == "poisson":
        r = sm.GLM(y, X, family=sm.families.Poisson(), offset=off).fit()
        return names, r.params, r.bse, {"iterations": r.fit_history["iteration"]}
    if model == "negbin":
        r = sm.NegativeBinomial(y, X, offset=off, loglike_method="nb2").fit(method="newton", disp=0, maxiter=100)
        a, a_se = r.params[-1], r.bse[-1]
        # θ = 1/α; its standard error by the delta method.
        return names, r.params[:-1], r.bse[:-1], {"theta": 1 / a, "theta_se": a_se / a ** 2,
                                                 "converged": r.mle_retvals["converged"],
                                                 "iterations": r.mle_retvals["iterations"]}
    if model == "negbin-glm":
        r = sm.GLM(y, X, family=sm.families.NegativeBinomial(alpha=alpha), offset=off).fit()
        return names, r.params, r.bse, {"iterations": r.fit_history["iteration"]}
    raise SystemExit(__doc__)


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    model, path = sys.argv[1], sys.argv[2]
    cli = "--cli" in sys.argv[3:]
    alpha = None
    if model == "negbin-glm":
        alpha = float(sys.argv[sys.argv.index("--alpha") + 1]) if "--alpha" in sys.argv else 1 / 1.2
    if cli:
        names, b, se, extra = fit(model, read(path), alpha)
        print(pd.DataFrame({"estimate": b, "std_error": se}, index=names).to_string())
        for k, v in extra.items():
            print(k, v)
        return
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    data = read(path)
    for _ in range(runs):
        t0 = time.perf_counter()
        names, b, se, extra = fit(model, data, alpha)
        print(f"time_ms {(time.perf_counter() - t0) * 1e3:.1f}", flush=True)
    for n, v, s in zip(names, b, se):
        print(f"coef {n} {float(v)!r} {float(s)!r}")
    for k, v in extra.items():
        print(f"extra {k} {v if isinstance(v, (bool, int)) else float(v)!r}")


if __name__ == "__main__":
    main()
