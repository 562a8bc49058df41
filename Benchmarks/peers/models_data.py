#!/usr/bin/env python3
"""Writes the model benchmarks' data files (deterministic: numpy's PCG64, fixed seeds).

    python3 models_data.py panel  N COMPANIES OUT.csv   # company-year panel for y ~ x1 + x2 | company + year
    python3 models_data.py counts N OUT.csv             # layoff counts out of a workforce, 5 regressors

panel: a firm-year panel as a WARN or Compustat extract gives it. COMPANIES firms over ten
years (2015–2024), each observed in one run of consecutive years (firms enter and leave
the data): 3 % for one year only (singletons, dropped by the fit), 15 % for all ten
years, the rest for 2–9 years, lengths chosen so that the rows sum to exactly N (N =
5 × COMPANIES for the default 1,000,000 × 200,000). Rows are in company, year order.
Columns: company (text, `c000001`…), year, y (layoffs as a percentage of the workforce),
x1 (revenue growth, correlated with the firm's own effect, which is why the firm effect
is absorbed), x2 (log employees: mostly a firm constant, little within-firm variation).
y = −0.8·x1 + 0.5·x2 + firm effect + year effect (2020 and 2022–23 peaks) + AR(1)
errors within a firm (ρ = 0.5, why the errors are clustered by company).

counts: one row per firm-year, N rows. employees is log-normal (median ≈ 665, heavy right
tail, ≥ 10); x1 revenue growth, x2 log revenue per employee (not centred), x3 debt
ratio (Beta(2, 5)), x4 a tech-sector flag (30 %), x5 the funding stage (0–4). The count y
is negative binomial (NB2, θ = 1.2: counts are overdispersed, ≈ 7 % zeros, mean ≈ 100) with mean
employees · exp(η), η = −0.2 − 1.5·x1 − 0.3·x2 + 0.8·x3 + 0.4·x4 + 0.25·x5 (≈ 2 % of the
workforce cut in a year). The Poisson benchmark fits the same file (a Poisson rate model
of overdispersed counts, as a researcher would before the negative binomial).

Numbers are written with six decimals (what such extracts carry), so every CSV parser
reads the same doubles.
"""
import sys

import numpy as np

YEARS = np.arange(2015, 2025)
YEAR_EFFECT = np.array([0.0, 0.1, 0.2, 0.3, 1.5, 0.4, 0.2, 1.2, 1.0, 0.5])


def spell_lengths(n, companies, rng):
    """Run lengths 1..10, the shares fixed, the 2..9 lengths tilted so that they sum to n."""
    single = round(0.03 * companies)
    full = round(0.15 * companies)
    middle = companies - single - full
    rest = n - single - 10 * full
    if not 2 * middle <= rest <= 9 * middle:
        raise SystemExit(f"cannot make {n} rows from {companies} companies")
    # A geometric-like shape over 2..9, its mean moved to rest/middle by bisection on the decay.
    target = rest / middle
    lo, hi = -3.0, 3.0
    k = np.arange(2, 10)
    for _ in range(100):
        mid = (lo + hi) / 2
        p = np.exp(mid * k)
        p /= p.sum()
        if (p * k).sum() < target:
            lo = mid
        else:
            hi = mid
    counts = np.floor(p * middle).astype(np.int64)
    counts[0] += middle - counts.sum()
    lengths = np.concatenate([np.ones(single, np.int64), np.full(full, 10, np.int64), np.repeat(k, counts)])
    # Fix the row total exactly by lengthening or shortening middle spells one year at a time.
    diff = n - lengths.sum()
    i = single + full
    while diff != 0:
        step = 1 if diff > 0 else -1
        if 2 <= lengths[i] + step <= 9:
            lengths[i] += step
            diff -= step
        i = single + full + (i + 1 - single - full) % middle
    rng.shuffle(lengths)
    return lengths


def write(out, header, columns, formats):
    chunk = 200_000
    n = len(columns[0])
    with open(out, "w") as f:
        f.write(header + "\n")
        for start in range(0, n, chunk):
            rows = zip(*(c[start:start + chunk] for c in columns))
            line = ",".join(formats) + "\n"
            f.write("".join(line % r for r in rows))


def panel(n, companies, out):
    rng = np.random.default_rng(2016)
    lengths = spell_lengths(n, companies, rng)
    start = np.array([rng.integers(0, 11 - L) for L in lengths])
    firm = np.repeat(np.arange(companies), lengths)
    offset_in_spell = np.arange(n) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    t = np.repeat(start, lengths) + offset_in_spell
    alpha = rng.normal(0, 2, companies)
    size = rng.normal(7, 1.5, companies)
    x1 = 0.4 * alpha[firm] + rng.normal(0, 1, n)
    x2 = size[firm] + rng.normal(0, 0.1, n)
    # AR(1) errors along each firm's run of years.
    shocks = rng.normal(0, 1, n)
    e = np.empty(n)
    first = offset_in_spell == 0
    e[first] = shocks[first] / np.sqrt(1 - 0.25)
    for k in range(1, 10):
        at = offset_in_spell == k
        e[at] = 0.5 * e[np.flatnonzero(at) - 1] + shocks[at]
    y = -0.8 * x1 + 0.5 * x2 + alpha[firm] + YEAR_EFFECT[t] + e
    names = np.char.add("c", np.char.zfill((firm + 1).astype(str), 6))
    write(out, "company,year,y,x1,x2", [names.tolist(), YEARS[t].tolist(), y.tolist(), x1.tolist(), x2.tolist()],
          ["%s", "%d", "%.6f", "%.6f", "%.6f"])


def counts(n, out):
    rng = np.random.default_rng(2023)
    employees = np.maximum(10, np.round(np.exp(rng.normal(6.5, 1.5, n))))
    x1 = np.round(rng.normal(0.05, 0.2, n), 6)
    x2 = np.round(rng.normal(12.5, 0.6, n), 6)
    x3 = np.round(rng.beta(2, 5, n), 6)
    x4 = (rng.random(n) < 0.3).astype(np.int64)
    x5 = rng.integers(0, 5, n)
    eta = -0.2 - 1.5 * x1 - 0.3 * x2 + 0.8 * x3 + 0.4 * x4 + 0.25 * x5 + np.log(employees)
    theta = 1.2
    y = rng.poisson(rng.gamma(theta, np.exp(eta) / theta))
    write(out, "y,employees,x1,x2,x3,x4,x5",
          [y.tolist(), employees.astype(np.int64).tolist(), x1.tolist(), x2.tolist(), x3.tolist(), x4.tolist(), x5.tolist()],
          ["%d", "%d", "%.6f", "%.6f", "%.6f", "%d", "%d"])


def main():
    kind = sys.argv[1] if len(sys.argv) > 1 else ""
    if kind == "panel" and len(sys.argv) == 5:
        panel(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    elif kind == "counts" and len(sys.argv) == 4:
        counts(int(sys.argv[2]), sys.argv[3])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
