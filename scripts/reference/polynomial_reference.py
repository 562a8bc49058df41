#!/usr/bin/env python3
"""Held-out polynomial least-squares problems with certified answers, for the accuracy
tests of StatKit's least squares (Tests/StatKitTests/PolynomialAccuracyTests.swift).

NIST's Filip x values (Tests/StatKitTests/Reference/nist-strd/Filip.dat) are shifted and
scaled, x' = fl((x − c)·s), so that the degree-10 polynomial design has condition
numbers from about 1e5 to 1e15; the response is Filip's y. Every x' and y is a double,
and the certified values are the exact least-squares answer for those doubles, computed
in rational arithmetic (Python's fractions): the normal equations are solved exactly,
and the standard errors, residual SD and R² are rounded from 60-digit decimals.

    python3 scripts/reference/polynomial_reference.py > Tests/StatKitTests/Reference/polynomial-reference.json
"""
import json
import sys
from decimal import Decimal, getcontext
from fractions import Fraction
from pathlib import Path

import numpy as np

getcontext().prec = 60
ROOT = Path(__file__).resolve().parents[2]
DEGREE = 10
# (shift, scale): condition numbers of the degree-10 design from ~1e5 to ~1.8e15.
VARIANTS = [(-6.0, 1.0), (-5.0, 1.0), (-5.5, 2.0), (-4.0, 2.0), (-5.0, 4.0), (-3.0, 2.0), (-1.0, 1.0), (-2.0, 2.0), (0.0, 1.0), (-3.0, 4.0)]


def filip():
    lines = (ROOT / "Tests/StatKitTests/Reference/nist-strd/Filip.dat").read_text().replace("\r\n", "\n").split("\n")
    start = max(i for i, l in enumerate(lines) if l.startswith("Data:")) + 1
    rows = [list(map(float, l.split())) for l in lines[start:] if l.strip()]
    return [r[0] for r in rows], [r[1] for r in rows]


def solve_exact(a, b):
    """Gauss–Jordan elimination in fractions: the solution of a·x = b and a⁻¹."""
    n = len(a)
    m = [row[:] + [b[i]] + [Fraction(int(i == j)) for j in range(n)] for i, row in enumerate(a)]
    for c in range(n):
        p = next(r for r in range(c, n) if m[r][c] != 0)
        m[c], m[p] = m[p], m[c]
        d = m[c][c]
        m[c] = [v / d for v in m[c]]
        for r in range(n):
            if r != c and m[r][c] != 0:
                f = m[r][c]
                m[r] = [v - f * w for v, w in zip(m[r], m[c])]
    return [m[i][n] for i in range(n)], [[m[i][n + 1 + j] for j in range(n)] for i in range(n)]


def dec(f):
    return Decimal(f.numerator) / Decimal(f.denominator)


def main():
    y, x0 = filip()
    cases = []
    for shift, scale in VARIANTS:
        x = [float((v - shift) * scale) for v in x0]   # rounded to double: these are the data
        X = [[Fraction(v) ** k for k in range(DEGREE + 1)] for v in x]
        Y = [Fraction(v) for v in y]
        p = DEGREE + 1
        xtx = [[sum(r[i] * r[j] for r in X) for j in range(p)] for i in range(p)]
        xty = [sum(r[i] * yv for r, yv in zip(X, Y)) for i in range(p)]
        beta, inv = solve_exact(xtx, xty)
        resid = [yv - sum(b * v for b, v in zip(beta, r)) for r, yv in zip(X, Y)]
        rss = sum(e * e for e in resid)
        n = len(Y)
        mean = sum(Y) / n
        tss = sum((v - mean) ** 2 for v in Y)
        s2 = rss / (n - p)
        cond = float(np.linalg.cond(np.array([[v ** k for k in range(p)] for v in x])))
        cases.append({
            "shift": shift, "scale": scale, "condition_number": cond, "x": x,
            "coefficients": [str(dec(b)) for b in beta],
            "coefficient_sd": [str((dec(s2 * inv[j][j])).sqrt()) for j in range(p)],
            "residual_sd": str(dec(s2).sqrt()),
            "r_squared": str(dec(1 - rss / tss)),
        })
        print(f"shift {shift}, scale {scale}: cond {cond:.2e}", file=sys.stderr)
    json.dump({"generator": "scripts/reference/polynomial_reference.py", "degree": DEGREE, "y": y, "cases": cases},
              sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
