#!/usr/bin/env python3
"""Reference values for StatKit's distributions (Tests/StatKitTests/DistributionTests.swift).

Writes Tests/StatKitTests/Reference/distributions-reference.json.

For the normal, Student's t, F and chi-squared distributions it evaluates cdf, sf,
logcdf, logsf at a grid of arguments reaching far into both tails (tail
probabilities down to 1e-300), and ppf/isf at probabilities down to 1e-300
(including 1e-80).  Every value is computed twice, independently of R:

* scipy.stats (the reference the tests are specified against), and
* mpmath at 60 significant digits (regularised incomplete beta/gamma, erfc;
  quantiles by a high-precision root search), used as the arbiter.

The field "expected" is scipy's value, except where scipy itself is further than
ARBITER_RTOL from mpmath; there "expected" is mpmath's value and "source" says so
(both values are kept in the file for inspection).  The arguments are the scipy
quantiles rounded to 6 significant digits, so they are exact binary doubles that
a reader can type.

The same script also writes Tests/StatKitTests/Reference/descriptive-reference.json,
the reference for the sample statistics in Sources/StatKit/Descriptive
(Tests/StatKitTests/DescriptiveTests.swift).  Each data set (values with nulls for
missing entries) is summarised by
* pandas (Series with NaN as missing: count, number missing, min, max, quantiles),
* numpy on the present values (mean, var/std with ddof=1, quantile method='linear'
  = R type 7, median), and
* Python's `statistics` module, which sums in exact rational arithmetic, for the
  "exact" mean and sample variance (the arbiter for the ill-conditioned sets).

Usage:  python3 scripts/reference/distributions_reference.py [distributions|descriptive]
        (no argument: both files; the distribution grid takes a few minutes)
Needs:  numpy, scipy, mpmath, pandas.
"""
import json
import math
import os
import sys

import mpmath as mp
import numpy as np
import pandas as pd
import statistics
import scipy
from scipy import special, stats

mp.mp.dps = 60
ARBITER_RTOL = 1e-13
DBL_MIN = 2.2250738585072014e-308   # smallest normal double
SUBNORMAL_ATOL = 1e-321             # about 200 units of the subnormal spacing
TINY = [0.25, 0.1, 1e-2, 1e-3, 1e-5, 1e-8, 1e-12, 1e-16, 1e-20, 1e-30, 1e-50,
        1e-80, 1e-100, 1e-150, 1e-200, 1e-250, 1e-300]
QUANTILE_P = [0.9, 0.75, 0.25, 0.1, 1e-2, 1e-5, 1e-10, 1e-20, 1e-40, 1e-80,
              1e-120, 1e-200, 1e-300]

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "Tests", "StatKitTests", "Reference",
                   "distributions-reference.json")
DESCRIPTIVE_OUT = os.path.join(HERE, "..", "..", "Tests", "StatKitTests", "Reference",
                               "descriptive-reference.json")


# --- mpmath (arbiter) -------------------------------------------------------
# Each function returns (lower, upper) tails.  The smaller tail is evaluated
# directly and the larger one as 1 - smaller, so neither loses digits; the tails
# are evaluated at two working precisions and must agree to 1e-35.
def _norm(x):
    x = mp.mpf(x)
    small = mp.erfc(abs(x) / mp.sqrt(2)) / 2
    return (small, 1 - small) if x <= 0 else (1 - small, small)


def _t(x, df):
    x, df = mp.mpf(x), mp.mpf(df)
    # P(|T| > |x|) = I_{df/(df+x^2)}(df/2, 1/2); each one-sided tail is >= half of it
    # or its complement is >= 1/2, so no digits are lost.
    tail = mp.betainc(df / 2, mp.mpf(1) / 2, 0, df / (df + x * x), regularized=True) / 2
    return (tail, 1 - tail) if x <= 0 else (1 - tail, tail)


def _f(x, d1, d2):
    x, d1, d2 = mp.mpf(x), mp.mpf(d1), mp.mpf(d2)
    if x <= 0:
        return mp.mpf(0), mp.mpf(1)
    lower = mp.betainc(d1 / 2, d2 / 2, 0, d1 * x / (d1 * x + d2), regularized=True)
    upper = mp.betainc(d2 / 2, d1 / 2, 0, d2 / (d1 * x + d2), regularized=True)
    return (lower, 1 - lower) if lower < upper else (1 - upper, upper)


def _chi2(x, df):
    x, df = mp.mpf(x), mp.mpf(df)
    if x <= 0:
        return mp.mpf(0), mp.mpf(1)
    lower = mp.gammainc(df / 2, 0, x / 2, regularized=True)
    upper = mp.gammainc(df / 2, x / 2, mp.inf, regularized=True)
    return (lower, 1 - lower) if lower < upper else (1 - upper, upper)


def checked(fn):
    """fn evaluated at 60 and 90 digits; returns the 90-digit tails after checking
    that the two agree to 35 significant digits (guards against mpmath trouble)."""
    def wrapper(*args):
        with mp.workdps(60):
            a = fn(*args)
        with mp.workdps(90):
            b = fn(*args)
        for u, v in zip(a, b):
            if v != 0 and abs((u - v) / v) > mp.mpf("1e-35"):
                raise RuntimeError("mpmath unstable for %s%r" % (fn.__name__, args))
        return b
    return wrapper


mp_norm, mp_t, mp_f, mp_chi2 = checked(_norm), checked(_t), checked(_f), checked(_chi2)


def mp_logs(lo, up):
    """log of each tail; the log of the larger tail via log1p(-smaller)."""
    if lo <= up:
        return (mp.log(lo) if lo > 0 else None), mp.log1p(-lo)
    return mp.log1p(-up), (mp.log(up) if up > 0 else None)


def mp_quantile(tails, p, upper, guess):
    """x with P(X <= x) = p (upper=False) or P(X > x) = p (upper=True), by bisection
    on log-probabilities in mpmath (robust for p down to 1e-300)."""
    target = mp.log(mp.mpf(p))

    def g(x):
        lo, up = tails(x)
        v = up if upper else lo
        return mp.log(v) - target if v > 0 else mp.mpf(-10**6)

    # bracket geometrically around the guess (quantiles here are never 0)
    guess = mp.mpf(guess)
    a, b = (guess / 2, guess * 2) if guess > 0 else (guess * 2, guess / 2)
    sgn = -1 if upper else 1  # g increases with x for lower tails, decreases for upper
    for _ in range(3000):
        if sgn * g(a) <= 0 <= sgn * g(b):
            break
        a, b = (a / 2, b * 2) if guess > 0 else (a * 2, b / 2)
    else:
        raise RuntimeError("no bracket")
    for _ in range(400):
        m = (a + b) / 2
        gm = g(m)
        if sgn * gm <= 0:
            a = m
        else:
            b = m
        if abs(b - a) <= abs(m) * mp.mpf("1e-40"):
            break
    return (a + b) / 2


# --- the grid ---------------------------------------------------------------
def families():
    yield "normal", [], stats.norm(), (lambda x: mp_norm(x))
    for df in [1, 2.5, 10, 30, 1000]:
        yield "t", [df], stats.t(df), (lambda x, df=df: mp_t(x, df))
    for d1, d2 in [(1, 1), (1, 10), (3, 20), (5, 2.5), (10, 100), (40, 7)]:
        yield "f", [d1, d2], stats.f(d1, d2), (lambda x, a=d1, b=d2: mp_f(x, a, b))
    for df in [1, 2, 3, 5, 10, 30, 50, 100]:
        yield "chisq", [df], stats.chi2(df), (lambda x, df=df: mp_chi2(x, df))


def rounded(x):
    return float("%.6g" % x)


def to_float(v):
    return float(v) if v is not None else None


def main():
    cases = []
    disagreements = []
    for name, params, d, tails in families():
        xs = set()
        for p in TINY:
            for x in (d.isf(p), d.ppf(p)):
                if np.isfinite(x) and x != 0 and abs(x) > 1e-290:
                    xs.add(rounded(x))
        if name == "normal":
            xs.update([-38.0, -37.5, -30.0, 0.0, 30.0, 37.5, 38.0])
        if name == "t":
            xs.add(0.0)
        for x in sorted(xs):
            lo, up = tails(x)
            llo, lup = mp_logs(lo, up)
            mp_vals = {"cdf": lo, "sf": up, "logcdf": llo, "logsf": lup}
            sp_vals = {"cdf": d.cdf(x), "sf": d.sf(x), "logcdf": d.logcdf(x), "logsf": d.logsf(x)}
            for fn in ["cdf", "sf", "logcdf", "logsf"]:
                add_case(cases, disagreements, name, params, fn, x, sp_vals[fn], mp_vals[fn])
        # Extreme tails where the probability itself underflows: only the logs are
        # representable.  Upper tails (logsf, and logcdf by symmetry for normal/t)
        # and, for chi-squared and F, lower tails (logcdf) near 0.
        extreme = {"normal": [40.0, 100.0, 1e3, 1e5], "t": [1e3, 1e10, 1e40, 1e100, 1e300],
                   "f": [1e60, 1e150, 1e300, 1e-100, 1e-200, 1e-300],
                   "chisq": [2e3, 1e4, 1e6, 1e-10, 1e-100, 1e-300]}[name]
        for x in extreme:
            lo, up = tails(x)
            llo, lup = mp_logs(lo, up)
            if up < mp.mpf("1e-290"):
                add_case(cases, disagreements, name, params, "logsf", x, d.logsf(x), lup)
                if name in ("normal", "t"):
                    add_case(cases, disagreements, name, params, "logcdf", -x, d.logcdf(-x), lup)
            if lo < mp.mpf("1e-290"):
                add_case(cases, disagreements, name, params, "logcdf", x, d.logcdf(x), llo)
        for p in QUANTILE_P:
            for fn, upper in (("ppf", False), ("isf", True)):
                sp = getattr(d, fn)(p)
                guess = sp
                if not np.isfinite(sp) and name == "f" and upper:
                    # scipy's f.isf returns inf for p <= 1e-20; start the mpmath search
                    # from the beta-inverse form instead (the case keeps scipy's inf).
                    d1, d2 = params
                    c = special.betaincinv(d2 / 2, d1 / 2, p)
                    guess = d2 / d1 * (1 - c) / c if c > 0 else np.inf
                if not np.isfinite(guess) or guess == 0 or abs(guess) < 1e-290:
                    continue  # the quantile itself is not representable
                mq = mp_quantile(tails, p, upper, guess)
                add_case(cases, disagreements, name, params, fn, p, sp, mq)
    doc = {
        "generator": "scripts/reference/distributions_reference.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__,
                     "scipy": scipy.__version__, "mpmath": mp.__version__},
        "note": ("expected = scipy value unless scipy differs from mpmath (60 digits) by more "
                 "than %g relative (for results below DBL_MIN: by more than %g absolute); then "
                 "expected = mpmath and source = 'mpmath'. "
                 "For ppf/isf the argument is a probability and the value is x." % (ARBITER_RTOL, SUBNORMAL_ATOL)),
        "cases": cases,
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=0, allow_nan=False)
        f.write("\n")
    print("wrote %d cases to %s" % (len(cases), os.path.normpath(OUT)))
    print("%d cases where scipy and mpmath disagree beyond %g:" % (len(disagreements), ARBITER_RTOL))
    for d in disagreements:
        print("  ", d)


def add_case(cases, disagreements, name, params, fn, arg, sp, mpv):
    if mpv is None:
        return  # log of an exact zero: nothing to compare
    mpf = float(mpv)
    if not math.isfinite(mpf):
        return
    source = "scipy"
    expected = float(sp)
    if not np.isfinite(sp):
        rel = float("inf")  # scipy gave up (e.g. -inf for a log tail it underflowed)
    elif mpf != 0:
        rel = abs((float(sp) - mpv) / mpv)
    else:
        rel = 0.0 if sp == 0 else float("inf")
    subnormal = abs(mpf) < DBL_MIN
    if (not subnormal and rel > ARBITER_RTOL) or (subnormal and abs(float(sp) - mpf) > SUBNORMAL_ATOL):
        source = "mpmath"
        expected = mpf
        disagreements.append((name, params, fn, arg, float(sp), mpf, float(rel)))
    cases.append({"dist": name, "params": params, "fn": fn, "arg": arg,
                  "expected": expected, "source": source,
                  "scipy": float(sp) if np.isfinite(sp) else str(sp), "mpmath": mp.nstr(mpv, 20)})


# --- descriptive statistics of samples ----------------------------------------
PROBS = [0.0, 0.01, 0.1, 0.25, 1 / 3, 0.5, 0.75, 0.9, 0.99, 1.0]


def descriptive_datasets():
    rng = np.random.default_rng(20261126)
    yield "small_with_missing", [3, 1, None, 4, 1, 5, 9, None, 2, 6, 5, 3, 5]
    yield "single", [42.5]
    yield "two", [-1.0, 2.0]
    yield "single_with_missing", [None, 7.0, None]
    yield "ties_even", [2, 2, 2, 2, 5, 5, 7, 7]
    yield "negative_and_fractional", [-3.75, 0.1, 0.2, -0.3, 12.125, 1e-3, -1e-3]
    # The textbook hard case: a large common offset with small spread.
    yield "offset_1e9_textbook", [1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]
    yield "offset_1e9_noise", list(1e9 + rng.standard_normal(10000))
    yield "offset_1e15_integers", [1e15 + k for k in [1, 2, 3, 4, 5, 6]]
    skewed = list(np.exp(rng.normal(5, 2, 997)).round(0))  # layoff counts: heavy right tail
    for i in rng.choice(len(skewed), 60, replace=False):
        skewed[int(i)] = None
    yield "lognormal_counts_with_missing", skewed
    yield "uniform_1000", list(rng.uniform(-50, 50, 1000))


def summarise(values):
    s = pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64")
    present = np.array([float(v) for v in values if v is not None])
    out = {
        "count": int(s.count()),
        "missing": int(s.isna().sum()),
        "min": float(s.min()),
        "max": float(s.max()),
        "numpy_mean": float(np.mean(present)),
        "exact_mean": float(statistics.mean(present.tolist())),
        "numpy_median": float(np.median(present)),
        "probabilities": PROBS,
        "numpy_quantiles": [float(q) for q in np.quantile(present, PROBS, method="linear")],
        "pandas_quantiles": [float(q) for q in s.quantile(PROBS)],
    }
    if len(present) >= 2:
        out["numpy_variance"] = float(np.var(present, ddof=1))
        out["numpy_sd"] = float(np.std(present, ddof=1))
        out["exact_variance"] = float(statistics.variance(present.tolist()))
        out["pandas_variance"] = float(s.var())
    return out


def descriptive_main():
    sets = []
    for name, values in descriptive_datasets():
        vals = [None if v is None else float(v) for v in values]
        sets.append({"name": name, "values": vals, "expected": summarise(vals)})
    doc = {
        "generator": "scripts/reference/distributions_reference.py descriptive",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "pandas": pd.__version__, "statistics": "stdlib"},
        "datasets": sets,
    }
    with open(DESCRIPTIVE_OUT, "w") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    print("wrote %d data sets to %s" % (len(sets), os.path.normpath(DESCRIPTIVE_OUT)))
    for s in sets:
        e = s["expected"]
        if "exact_variance" in e:
            print("%-32s numpy var rel err vs exact: %.2e" % (
                s["name"], abs(e["numpy_variance"] - e["exact_variance"]) / e["exact_variance"]))



if __name__ == "__main__":
    which = sys.argv[1:] or ["distributions", "descriptive"]
    if "distributions" in which:
        main()
    if "descriptive" in which:
        descriptive_main()
