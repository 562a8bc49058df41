#!/usr/bin/env python3
"""Reference design matrices for StatKit's formula/design-matrix builder
(Tests/StatKitTests/FormulaDesignTests.swift).

Writes Tests/StatKitTests/Reference/formula-reference.json: a small mixed data set
(numeric columns with missing values, text columns, an integer column used as C(n))
and, for a list of formulas, what patsy.dmatrices(formula, data, NA_action="drop")
produces: column names, term names, the assign vector (term index of each column),
X (row-major), y and the indices of the rows kept.

Differences from patsy that StatKit makes on purpose, applied here explicitly:
* Names: patsy's "Intercept" is written "(Intercept)" (R's spelling); whitespace is
  removed and Python's "**" is written "^"; C(g, Treatment(reference="b")) is written
  C(g, ref="b") in StatKit formulas and its columns are named C(g)[T.level].
* Levels that occur only in rows dropped for missing values are dropped (as R's lm
  does); patsy keeps them as all-zero dummy columns, which are removed here (the data
  set is built so that such a level is never the first one, where patsy would also pick
  a different reference).
* alsoRequire: rows where an alsoRequire column is missing are removed before calling
  patsy (patsy has no such option).
* Exclusion counts by reason are computed here with pandas, independently of patsy,
  by the documented rule: each dropped row counts once, under the first of
  "missing <column>" (response columns, then right-hand side columns in order of
  appearance, then alsoRequire) and "<factor> not finite" (response first).

Usage:  python3 scripts/reference/formula_reference.py   (numpy, pandas, patsy)
"""
import json
import math
import os
import sys

import numpy as np
import pandas as pd
import patsy

# Functions visible to patsy's evaluation (same names as StatKit's formula language).
log, log1p, sqrt, exp = np.log, np.log1p, np.sqrt, np.exp

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "Tests", "StatKitTests", "Reference", "formula-reference.json")

NAN = float("nan")


def dataset():
    rng = np.random.default_rng(7)
    n = 30
    g = list(rng.choice(["a", "b", "c"], n))
    h = list(rng.choice(["u", "v"], n))
    df = pd.DataFrame({
        "y": np.round(rng.uniform(1, 50, n), 3),
        "x1": np.round(rng.normal(0, 2, n), 3),
        "x2": np.round(rng.uniform(0.1, 10, n), 3),
        "x3": np.round(rng.uniform(-0.5, 3, n), 3),
        "x4": np.round(rng.uniform(0, 4, n), 3),
        "a": np.round(rng.normal(0, 1, n), 3),
        "b": np.round(rng.uniform(0.5, 2, n), 3),
        "g": g,
        "h": h,
        "n": rng.integers(1, 4, n),
        "w": np.round(rng.uniform(0.5, 1.5, n), 3),
    })
    df.loc[[2, 11], "y"] = NAN
    df.loc[[5], "x1"] = NAN
    df.loc[[7], "x2"] = -1.5        # log(x2) not finite
    df.loc[[13], "x2"] = NAN
    df.loc[[17], "x4"] = -0.25      # sqrt(x4) not finite
    df.loc[[20], "a"] = NAN
    df.loc[[20], "x1"] = NAN        # two reasons: counted under the first column in the formula
    df["g"] = df["g"].astype(object)
    df.loc[[9], "g"] = None
    df.loc[[2], "g"] = "d"          # level "d" occurs only where y is missing
    df["h"] = df["h"].astype(object)
    df.loc[[23], "h"] = None
    df.loc[[26], "w"] = NAN
    return df


# (StatKit formula, patsy formula, alsoRequire)
CASES = [
    ("y ~ x1 + log(x2) + log1p(x3) + sqrt(x4) + exp(a)", None, []),
    ("y ~ I(x1^2) + I(a/b) + I(-x1^2 + 2*a - b/3) + I((a + b)^2)", None, []),
    ("y ~ C(g) + x1", None, []),
    ('y ~ C(g, ref="b") + x1', 'y ~ C(g, Treatment(reference="b")) + x1', []),
    ("y ~ g + h + g:h", None, []),
    ("y ~ g*h", None, []),
    ("y ~ C(g)*x1", None, []),
    ("y ~ x1*x2 - 1", None, []),
    ("y ~ 0 + C(g) + x1", None, []),
    ("y ~ C(n) + a", None, []),
    ("log(y) ~ (x1 + a):h + b", None, []),
    ("y ~ x1:C(g)", None, []),
    ("y ~ g:h", None, []),
    ("y ~ x1*x2*g", None, []),
    ("y ~ a + b - b + x1 + 0 + 1", None, []),
    ("sqrt(y) ~ x1 + h", None, ["w"]),
    ("y ~ -1 + C(h):C(g) + a", None, []),
]


def to_patsy(formula):
    return formula.replace("^", "**")


def statkit_name(name):
    name = name.replace(" ", "").replace("**", "^")
    name = name.replace('C(g,Treatment(reference="b"))', "C(g)")
    return "(Intercept)" if name == "Intercept" else name


def factor_columns(factor):
    """Data columns among the identifiers of a code or formula text, in order."""
    import re
    return [t for t in re.findall(r"[A-Za-z_.][A-Za-z0-9_.]*", factor) if t in DATA.columns]


def exclusions(df, formula, lhs_factors, rhs_factors, also_require):
    # Columns in order of first appearance in the formula text, then alsoRequire.
    used = []
    for c in factor_columns(formula):
        if c not in used:
            used.append(c)
    for c in also_require:
        if c not in used:
            used.append(c)
    counts = {}
    order = []
    for i in range(len(df)):
        reason = None
        for c in used:
            v = df.at[i, c]
            if v is None or (isinstance(v, float) and math.isnan(v)):
                reason = "missing " + c
                break
        if reason is None:
            for f in lhs_factors + rhs_factors:
                if f.startswith("C("):
                    continue
                if all(df[c].dtype == object for c in factor_columns(f)):
                    continue  # a bare text column: categorical, nothing to evaluate
                with np.errstate(all="ignore"):
                    v = float(eval(to_patsy(f), {"log": log, "log1p": log1p, "sqrt": sqrt, "exp": exp,
                                                 "I": lambda z: z}, {c: df.at[i, c] for c in DATA.columns}))
                if not math.isfinite(v):
                    reason = f.replace(" ", "") + " not finite"
                    break
        if reason is not None:
            if reason not in counts:
                order.append(reason)
            counts[reason] = counts.get(reason, 0) + 1
    return counts


DATA = dataset()


def main():
    cases = []
    for formula, patsy_formula, also in CASES:
        pf = patsy_formula or to_patsy(formula)
        df = DATA
        if also:
            df = DATA[DATA[also].notna().all(axis=1)]
        with np.errstate(all="ignore"):
            ymat, xmat = patsy.dmatrices(pf, df, NA_action="drop", return_type="dataframe")
        names = [statkit_name(c) for c in xmat.columns]
        info = xmat.design_info
        term_index = {}
        assign = [None] * len(names)
        term_names = [statkit_name(t) for t in info.term_names]
        for k, (term, sl) in enumerate(info.term_slices.items()):
            for j in range(sl.start, sl.stop):
                assign[j] = k
        X = xmat.to_numpy()
        # Drop all-zero dummy columns of levels that vanished with the dropped rows.
        keep = [j for j in range(X.shape[1]) if not ("[" in names[j] and np.all(X[:, j] == 0))]
        dropped = [names[j] for j in range(X.shape[1]) if j not in keep]
        X = X[:, keep]
        names = [names[j] for j in keep]
        assign = [assign[j] for j in keep]
        lhs = [statkit_name(ymat.columns[0])]
        rhs_factors = []
        for t in info.terms:
            for f in t.factors:
                code = f.code
                if code not in rhs_factors:
                    rhs_factors.append(code)
        # factors in order of appearance in the formula text (for the "not finite" checks)
        norm = formula.replace(" ", "")
        rhs_factors.sort(key=lambda c: norm.find(statkit_name(c)) if statkit_name(c) in norm else len(norm))
        cases.append({
            "formula": formula,
            "patsy_formula": pf,
            "also_require": also,
            "column_names": names,
            "term_names": term_names,
            "assign": assign,
            "dropped_zero_columns": dropped,
            "response_name": lhs[0],
            "x": X.tolist(),
            "y": ymat.to_numpy()[:, 0].tolist(),
            "kept_rows": [int(i) for i in xmat.index],
            "exclusions": exclusions(DATA, formula, lhs, rhs_factors, also),
        })
    data = {}
    for c in DATA.columns:
        col = DATA[c]
        if col.dtype == object:
            data[c] = {"type": "text", "values": [None if v is None else str(v) for v in col]}
        else:
            data[c] = {"type": "numeric", "values": [None if pd.isna(v) else float(v) for v in col]}
    doc = {
        "generator": "scripts/reference/formula_reference.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "pandas": pd.__version__,
                     "patsy": patsy.__version__},
        "column_order": list(DATA.columns),
        "data": data,
        "cases": cases,
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    print("wrote %d formulas to %s" % (len(cases), os.path.normpath(OUT)))
    for c in cases:
        print(c["formula"], "|", len(c["kept_rows"]), "rows |", c["column_names"], "| excl", c["exclusions"],
              "| dropped", c["dropped_zero_columns"])


if __name__ == "__main__":
    main()
