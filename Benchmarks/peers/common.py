#!/usr/bin/env python3
"""Shared pieces of the peer pipelines (pandas, polars, DuckDB).

Imported by the three ``pipeline_*.py`` scripts; it only uses the standard library and
numpy, so importing it costs next to nothing and does not favour any of the peers.
Everything a peer is *measured* on (reading, grouping, windows, joins, regression) is
done in the peer's own script with its own library; this module holds what must be the
same for all three:

* the command line (``--events``, ``--fundamentals``, ``--out``), stage timers and peak RSS;
* calendar definitions (month-end evaluation days, YTD spans) in plain Python;
* the OLS sandwich estimators in numpy (used by the polars and DuckDB pipelines; the
  pandas pipeline uses statsmodels and is checked against these formulas);
* the RESULT.json layout, written in one canonical order.

Run as a script it has two helper commands used by ``run_peers.sh``::

    python common.py compare A.json B.json [C.json ...]   # exit 1 unless all agree
    python common.py check-layoffs LAYOFFS_BIN EVENTS FUNDAMENTALS RESULT.json
                                                         # the project's CLI vs a peer
    python common.py edge-data FOLDER                    # small edge-case files in FOLDER/a, FOLDER/b
    python common.py table  N TOOL=TIMEFILE[=RESULT.json] ...  # the ratio table
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import resource
import sys
import time

WINDOW_DAYS = 90
#: Label of the group of events without an industry (sorted after every real group).
MISSING_LABEL = "(missing)"
#: Regressors of log(total_laid_off), in coefficient order.
OLS_NAMES = ["Intercept", "log(employees)", "revenue_growth"]

# --------------------------------------------------------------------------- timing


class Stages:
    """Wall-clock time per stage (``time.perf_counter``), in the order entered."""

    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.seconds: dict[str, float] = {}
        self._name: str | None = None
        self._start = 0.0

    def __call__(self, name: str) -> "Stages":
        self._name = name
        return self

    def __enter__(self) -> "Stages":
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        assert self._name is not None
        self.seconds[self._name] = self.seconds.get(self._name, 0.0) + time.perf_counter() - self._start
        self._name = None

    def total(self) -> float:
        return time.perf_counter() - self.t0


def peak_rss_kib() -> int:
    """Peak resident set size of this process so far (ru_maxrss: KiB on Linux)."""
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def parse_args(description: str) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--events", required=True, help="events CSV (layoffs.fyi layout)")
    ap.add_argument("--fundamentals", required=True, help="fundamentals CSV (company,fiscal_year,employees,revenue,revenue_growth)")
    ap.add_argument("--out", required=True, help="RESULT.json to write")
    return ap.parse_args()


# --------------------------------------------------------------------------- calendar


def month_end(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """Evaluation days of the rolling rates: the last day of every month from the month
    of ``first`` on, as long as that last day is not after ``last`` (a month the data stops
    in is not evaluated). Same rule as ``EvaluationSchedule.monthEnd``."""
    out = []
    y, m = first.year, first.month
    while True:
        e = month_end(y, m)
        if e > last:
            return out
        out.append(e)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def window_calendar(first: dt.date, last: dt.date) -> tuple[list[dt.date], list[dt.date]]:
    """Which windows each day belongs to: pairs (day, E) for every day in [first, last] and
    every evaluation day E (:func:`month_ends`) whose window (E − 90, E] holds that day,
    i.e. day ≤ E ≤ day + 89 (two to four month ends per day). Joining events to this
    calendar on the day and grouping by E gives every window's events: the "join on day
    ranges" done as an equi-join on a small table (≈ 4 × days rows)."""
    ends = month_ends(first, last)
    days: list[dt.date] = []
    windows: list[dt.date] = []
    i = 0
    d = first
    one = dt.timedelta(days=1)
    span = dt.timedelta(days=WINDOW_DAYS - 1)
    while d <= last:
        while i < len(ends) and ends[i] < d:
            i += 1
        k = i
        while k < len(ends) and ends[k] <= d + span:
            days.append(d)
            windows.append(ends[k])
            k += 1
        d += one
    return days, windows


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of the months from the month of ``first`` to the month of ``last``."""
    out = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def minus_one_year(d: dt.date) -> dt.date:
    """``d`` one year earlier; February 29 becomes February 28."""
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return d.replace(year=d.year - 1, day=28)


class YTDSpans:
    """Year-to-date spans as of ``as_of`` (the last event day): Jan 1..as_of against
    Jan 1..as_of−1 year of the previous year. A span is *covered* when it intersects
    [first, last]; an uncovered span's totals are null, not zero."""

    def __init__(self, first: dt.date, last: dt.date, as_of: dt.date | None = None) -> None:
        self.as_of = as_of or last
        self.start = dt.date(self.as_of.year, 1, 1)
        self.previous_start = dt.date(self.as_of.year - 1, 1, 1)
        self.previous_end = minus_one_year(self.as_of)
        self.current_covered = self.start <= last and self.as_of >= first
        self.previous_covered = self.previous_start <= last and self.previous_end >= first


def to_date(x) -> dt.date:
    """A date from a datetime.date, datetime, numpy datetime64 or pandas Timestamp."""
    if isinstance(x, dt.datetime):
        return x.date()
    if isinstance(x, dt.date):
        return x
    if hasattr(x, "astype"):  # numpy datetime64
        import numpy as np
        return dt.date.fromisoformat(str(np.datetime64(x, "D")))
    return dt.date.fromisoformat(str(x)[:10])


# --------------------------------------------------------------------------- OLS


def ols_sandwich(y, X, clusters):
    """OLS of ``y`` on ``X`` (n×k, with the intercept column) with classical, HC3 and
    cluster-robust (CR1) standard errors, in numpy.

    * coefficients by Householder QR (``numpy.linalg.qr``), β = R⁻¹Qᵀy;
    * classical: s²·(XᵀX)⁻¹, s² = e'e/(n−k);
    * HC3: (XᵀX)⁻¹ Xᵀ diag(eᵢ²/(1−hᵢ)²) X (XᵀX)⁻¹, hᵢ = ‖Qᵢ‖² the leverage;
    * cluster: c·(XᵀX)⁻¹ (Σ_g X_gᵀe_g e_gᵀX_g) (XᵀX)⁻¹, c = G/(G−1)·(n−1)/(n−k)
      (statsmodels' cov_type='cluster' default; Stata's CR1).

    ``clusters``: a label per row, e.g. dictionary codes (G = number of distinct labels;
    small non-negative integers are used as they are, anything else is relabelled).
    """
    import numpy as np

    y = np.asarray(y, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    n, k = X.shape
    Q, R = np.linalg.qr(X, mode="reduced")
    beta = np.linalg.solve(R, Q.T @ y)
    e = y - X @ beta
    Rinv = np.linalg.solve(R, np.eye(k))
    bread = Rinv @ Rinv.T  # (XᵀX)⁻¹
    s2 = float(e @ e) / (n - k)
    cov_classical = s2 * bread
    h = np.einsum("ij,ij->i", Q, Q)
    u = X * (e / (1.0 - h))[:, None]
    cov_hc3 = bread @ (u.T @ u) @ bread
    codes = np.asarray(clusters)
    if codes.dtype.kind not in "iu" or codes.min() < 0 or codes.max() > 4 * n + 1024:
        _, codes = np.unique(codes, return_inverse=True)  # relabel 0..G−1
    G = int(np.count_nonzero(np.bincount(codes)))
    scores = X * e[:, None]
    S = np.column_stack([np.bincount(codes, weights=scores[:, j]) for j in range(k)])  # Σ_g X_gᵀe_g
    c = G / (G - 1) * (n - 1) / (n - k)
    cov_cluster = c * (bread @ (S.T @ S) @ bread)
    tss = float(((y - y.mean()) ** 2).sum())
    return {
        "n": int(n), "k": int(k), "clusters": G,
        "coef": beta.tolist(),
        "se_classical": np.sqrt(np.diag(cov_classical)).tolist(),
        "se_hc3": np.sqrt(np.diag(cov_hc3)).tolist(),
        "se_cluster": np.sqrt(np.diag(cov_cluster)).tolist(),
        "r2": 1.0 - float(e @ e) / tss,
    }


# --------------------------------------------------------------------------- result


def _clean(v):
    """A JSON-ready scalar: numpy scalars to Python, NaN/NA to None, dates to ISO text."""
    if v is None:
        return None
    if isinstance(v, (dt.date, dt.datetime)):
        return to_date(v).isoformat()
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        try:
            v = v.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(v, (dt.date, dt.datetime)):
        return to_date(v).isoformat()
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return None if math.isnan(v) else v
    if type(v).__name__ in ("NAType", "NaTType"):
        return None
    if type(v).__name__ == "Timestamp":
        return to_date(v).isoformat()
    return v


def _group_key(g):
    return (g == MISSING_LABEL, g)


ROLLING_FIELDS = ["group", "day", "events", "companies", "cut", "events_with_count",
                  "rate_events", "rate_cut", "rate_workforce", "rate"]
YOY_FIELDS = ["group", "period", "events", "companies", "cut", "events_without_count",
              "previous_cut", "change", "pct_change"]
YTD_FIELDS = ["group", "events", "companies", "cut", "events_without_count",
              "previous_events", "previous_companies", "previous_cut", "change", "pct_change"]


def _rows(rows, fields, period=False):
    out = []
    for r in rows:
        d = {f: _clean(r[f]) for f in fields}
        for f in ("cut", "rate_cut", "rate_workforce", "previous_cut", "change", "pct_change", "rate"):
            if f in d and isinstance(d[f], int):
                d[f] = float(d[f])
        if period:
            d["period"] = d["period"][:7]
        out.append(d)
    return out


def write_result(path, *, tool, versions, stages, inputs, rolling, yoy, ytd, ytd_spans, ols):
    """Writes RESULT.json.

    ``rolling``, ``yoy``, ``ytd``: iterables of row mappings with the fields of
    ROLLING_FIELDS / YOY_FIELDS (``period`` any date in the month) / YTD_FIELDS;
    ``ols``: the dict of :func:`ols_sandwich` (or the same keys from statsmodels).
    Rows are sorted canonically here (groups ascending, the missing group last, then day).
    """
    t = time.perf_counter()
    roll = sorted(_rows(rolling, ROLLING_FIELDS), key=lambda r: (_group_key(r["group"]), r["day"]))
    yy = sorted(_rows(yoy, YOY_FIELDS, period=True), key=lambda r: (_group_key(r["group"]), r["period"]))
    yt = sorted(_rows(ytd, YTD_FIELDS), key=lambda r: _group_key(r["group"]))
    rates = [r["rate"] for r in roll if r["rate"] is not None]
    result = {
        "tool": tool,
        "versions": versions,
        "input": {k: _clean(v) for k, v in inputs.items()},
        "rolling": {
            "window_days": WINDOW_DAYS,
            "schedule": "month_end",
            "summary": {
                "rows": len(roll),
                "groups": len({r["group"] for r in roll}),
                "days": len({r["day"] for r in roll}),
                "sum_events": sum(r["events"] for r in roll),
                "sum_companies": sum(r["companies"] for r in roll),
                "sum_cut": math.fsum(r["cut"] for r in roll),
                "sum_rate": math.fsum(rates),
                "null_rates": len(roll) - len(rates),
            },
            "rows": roll,
        },
        "yoy": {"unit": "month", "rows": yy},
        "ytd": {
            "as_of": ytd_spans.as_of.isoformat(),
            "start": ytd_spans.start.isoformat(),
            "previous_start": ytd_spans.previous_start.isoformat(),
            "previous_end": ytd_spans.previous_end.isoformat(),
            "current_covered": ytd_spans.current_covered,
            "previous_covered": ytd_spans.previous_covered,
            "rows": yt,
        },
        "ols": {"formula": "log(total_laid_off) ~ log(employees) + revenue_growth",
                "names": OLS_NAMES, **{k: _clean(v) if not isinstance(v, list) else [float(x) for x in v]
                                       for k, v in ols.items()}},
    }
    stages.seconds["write"] = time.perf_counter() - t
    result["timing_s"] = {**{k: round(v, 4) for k, v in stages.seconds.items()},
                          "total_inside": round(stages.total(), 4)}
    result["peak_rss_kib"] = peak_rss_kib()
    with open(path, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    return result


# --------------------------------------------------------------------------- compare


RATE_RTOL = 1e-9
OLS_RTOL = 1e-8


def _close(a, b, rtol):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, int) and isinstance(b, int) and not isinstance(a, bool):
        return a == b
    return abs(a - b) <= rtol * max(abs(a), abs(b)) or a == b


def _cmp_value(a, b, field, rtol, where, problems):
    if isinstance(a, bool) or isinstance(b, bool) or isinstance(a, str) or isinstance(b, str):
        ok = a == b
    elif isinstance(a, int) and isinstance(b, int):
        ok = a == b  # counts: exact
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)):
        ok = _close(float(a), float(b), rtol)
    else:
        ok = a is None and b is None
    if not ok:
        problems.append(f"{where}.{field}: {a!r} != {b!r}")


def _cmp_rows(ra, rb, key, fields, rtol, where, problems):
    if len(ra) != len(rb):
        problems.append(f"{where}: {len(ra)} rows != {len(rb)} rows")
    ib = {tuple(r[k] for k in key): r for r in rb}
    for r in ra:
        k = tuple(r[k] for k in key)
        o = ib.get(k)
        if o is None:
            problems.append(f"{where}: row {k} missing in the second file")
            continue
        for f in fields:
            if f not in key:
                _cmp_value(r[f], o[f], f, rtol, f"{where}{list(k)}", problems)


def compare(a: dict, b: dict) -> list[str]:
    """Differences between two results: counts exactly, other numbers to RATE_RTOL
    relative (sums of cuts, rates, changes), regression numbers to OLS_RTOL."""
    p: list[str] = []
    for k in ("events", "fundamentals", "first_day", "last_day"):
        if a["input"].get(k) != b["input"].get(k):
            p.append(f"input.{k}: {a['input'].get(k)!r} != {b['input'].get(k)!r}")
    _cmp_rows(a["rolling"]["rows"], b["rolling"]["rows"], ("group", "day"), ROLLING_FIELDS, RATE_RTOL, "rolling", p)
    _cmp_rows(a["yoy"]["rows"], b["yoy"]["rows"], ("group", "period"), YOY_FIELDS, RATE_RTOL, "yoy", p)
    for k in ("as_of", "start", "previous_start", "previous_end", "current_covered", "previous_covered"):
        if a["ytd"][k] != b["ytd"][k]:
            p.append(f"ytd.{k}: {a['ytd'][k]!r} != {b['ytd'][k]!r}")
    _cmp_rows(a["ytd"]["rows"], b["ytd"]["rows"], ("group",), YTD_FIELDS, RATE_RTOL, "ytd", p)
    oa, ob = a["ols"], b["ols"]
    for k in ("n", "k", "clusters"):
        if oa[k] != ob[k]:
            p.append(f"ols.{k}: {oa[k]} != {ob[k]}")
    for k in ("coef", "se_classical", "se_hc3", "se_cluster", "r2"):
        va, vb = oa[k], ob[k]
        va, vb = (va, vb) if isinstance(va, list) else ([va], [vb])
        for i, (x, y) in enumerate(zip(va, vb)):
            if not _close(x, y, OLS_RTOL):
                p.append(f"ols.{k}[{i}]: {x!r} != {y!r} (rel {abs(x - y) / max(abs(x), abs(y)):.2e})")
    return p


def _max_rel(a: dict, b: dict) -> tuple[float, float]:
    """Largest relative difference of rates (rolling) and of regression numbers."""
    rb = {(r["group"], r["day"]): r for r in b["rolling"]["rows"]}
    mr = 0.0
    for r in a["rolling"]["rows"]:
        o = rb.get((r["group"], r["day"]))
        if o and r["rate"] is not None and o["rate"] is not None and r["rate"] != 0:
            mr = max(mr, abs(r["rate"] - o["rate"]) / abs(r["rate"]))
    mo = 0.0
    for k in ("coef", "se_classical", "se_hc3", "se_cluster"):
        for x, y in zip(a["ols"][k], b["ols"][k]):
            if x != 0:
                mo = max(mo, abs(x - y) / abs(x))
    return mr, mo


def cmd_compare(paths: list[str]) -> int:
    results = []
    for path in paths:
        with open(path) as f:
            results.append((path, json.load(f)))
    ref_path, ref = results[0]
    bad = 0
    for path, r in results[1:]:
        problems = compare(ref, r)
        mr, mo = _max_rel(ref, r)
        name = f"{ref['tool']} vs {r['tool']}"
        if problems:
            bad += 1
            print(f"MISMATCH {name}: {len(problems)} differences", file=sys.stderr)
            for line in problems[:20]:
                print("  " + line, file=sys.stderr)
        else:
            print(f"agree    {name}: {len(r['rolling']['rows'])} rolling rows, {len(r['yoy']['rows'])} YoY rows, "
                  f"{len(r['ytd']['rows'])} YTD rows, OLS n={r['ols']['n']}; "
                  f"max rel diff rates {mr:.1e}, regression {mo:.1e}")
    return 1 if bad else 0


# --------------------------------------------------------------------------- project check


def cmd_check_layoffs(argv: list[str]) -> int:
    """``check-layoffs LAYOFFS_BIN EVENTS FUNDAMENTALS RESULT.json``: runs the project's own
    ``layoffs rolling`` / ``yoy`` / ``yoy --ytd`` / ``regress --cov classical|HC3|cluster``
    (JSON output) on the same files and compares them with a peer's RESULT.json, with the
    tolerances of ``compare``."""
    import subprocess

    binary, events, fundamentals, result_path = argv
    with open(result_path) as f:
        peer = json.load(f)

    def run(*extra: str, table: bool = True):
        cmd = [binary, *extra, "--data", events, "--fundamentals", fundamentals, "--format", "json"]
        if table:
            cmd += ["--by", "industry", "--quiet"]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        return json.loads(out)["rows"] if table else json.loads(out)

    def rename(rows, names):
        return [{names.get(k, k): v for k, v in r.items()} for r in rows]

    prev = {"prev_cut": "previous_cut", "prev_events": "previous_events", "prev_companies": "previous_companies"}
    p: list[str] = []
    roll = rename(run("rolling", "--window", f"{WINDOW_DAYS}d", "--at", "month-end"), {"date": "day"})
    _cmp_rows(roll, peer["rolling"]["rows"], ("group", "day"),
              ["events", "companies", "cut", "rate_cut", "rate_workforce", "rate"], RATE_RTOL, "rolling", p)
    yoy = rename(run("yoy", "--period", "month"), prev)
    _cmp_rows(yoy, peer["yoy"]["rows"], ("group", "period"),
              ["events", "companies", "cut", "previous_cut", "change", "pct_change"], RATE_RTOL, "yoy", p)
    ytd = rename(run("yoy", "--ytd"), prev)
    _cmp_rows(ytd, peer["ytd"]["rows"], ("group",),
              ["events", "companies", "cut", "events_without_count", "previous_events", "previous_companies",
               "previous_cut", "change", "pct_change"], RATE_RTOL, "ytd", p)
    ols = peer["ols"]
    regressed = False
    for cov, key in (("classical", "se_classical"), ("HC3", "se_hc3"), ("cluster", "se_cluster")):
        try:
            fit = run("regress", "--cov", cov, table=False)
        except subprocess.CalledProcessError:
            break  # a binary without `layoffs regress`
        regressed = True
        coefs = fit["coefficients"]
        if fit["n"] != ols["n"]:
            p.append(f"ols.n ({cov}): {fit['n']} != {ols['n']}")
        if cov == "cluster" and fit.get("clusters") != ols["clusters"]:
            p.append(f"ols.clusters: {fit.get('clusters')} != {ols['clusters']}")
        for i, c in enumerate(coefs):
            for got, want, what in ((c["estimate"], ols["coef"][i], "coef"), (c["std_error"], ols[key][i], key)):
                if not _close(got, want, OLS_RTOL):
                    p.append(f"ols.{what}[{i}] ({cov}): {got!r} != {want!r}")
    if p:
        print(f"MISMATCH layoffs CLI vs {peer['tool']}: {len(p)} differences", file=sys.stderr)
        for line in p[:20]:
            print("  " + line, file=sys.stderr)
        return 1
    print(f"agree    layoffs CLI (rolling, yoy, yoy --ytd{', regress x3' if regressed else ''}) vs {peer['tool']}: "
          f"{len(roll)} rolling rows, {len(yoy)} YoY rows, {len(ytd)} YTD rows, "
          + (f"OLS n={ols['n']} coefficients and classical/HC3/cluster SEs" if regressed else "no `regress` in this binary"))
    return 0


# --------------------------------------------------------------------------- edge cases


def cmd_edge_data(folder: str) -> int:
    """``edge-data FOLDER``: writes two small files sets, FOLDER/a and FOLDER/b, that exercise
    what the synthetic data never does: missing, blank and `Unknown` industries, padded
    company names, `Unknown`/` Unknown`/empty counts, fractions 0 and 1 and `Unknown`,
    companies without fundamentals (workforce implied by cut ÷ fraction), missing employees,
    missing or `NA` revenue growth (derived from the previous year's revenue), data starting
    mid-month and ending on 29 February (YTD against 1 Jan–28 Feb), and in b a previous YTD
    span outside the data and a group with no events this year."""
    import csv
    import random

    for name, first, last, early in (("a", dt.date(2023, 2, 10), dt.date(2024, 2, 29), False),
                                     ("b", dt.date(2023, 3, 15), dt.date(2024, 2, 29), True)):
        rng = random.Random(7)
        out = os.path.join(folder, name)
        os.makedirs(out, exist_ok=True)
        companies = [f"Co {i}" for i in range(12)]
        with open(os.path.join(out, "fundamentals.csv"), "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["company", "fiscal_year", "employees", "revenue", "revenue_growth"])
            for c in companies[:10]:  # Co 10 and Co 11 have no fundamentals
                for y in (2023, 2024):
                    emp = rng.choice(["", str(rng.randint(50, 5000))]) if c == "Co 3" else str(rng.randint(50, 5000))
                    g = f"{rng.uniform(-20, 30):.1f}"
                    g = rng.choice(["", "NA", g]) if c == "Co 4" else g
                    w.writerow([c, y, emp, f"{rng.uniform(1, 900):.1f}", g])
        industries = ["Retail", "Finance", "", "  ", "Unknown", " Media "]
        with open(os.path.join(out, "events.csv"), "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["company", "location", "total_laid_off", "date", "percentage_laid_off", "industry",
                        "source", "stage", "funds_raised", "country", "date_added"])
            for i in range(400):
                d = first + dt.timedelta(days=rng.randint(0, (last - first).days))
                d = first if i == 0 else last if i == 1 else d
                c = rng.choice(companies)
                if i % 11 == 3:
                    c = "  " + c + " "
                cut = rng.choice(["", "Unknown", " Unknown", f"{rng.randint(1, 400)}.0", f"{rng.randint(1, 400)}.0",
                                  str(rng.randint(1, 400))])
                frac = rng.choice(["", "0", "0.05", "0.3", "Unknown", "1"])
                ind = rng.choice(industries)
                if early and i % 50 == 0:
                    ind, d = "Early", dt.date(2023, 4, 1 + i % 28)
                w.writerow([c, "Denver, CO", cut, f"{d.month}/{d.day}/{d.year}", frac, ind, "src", "Seed", "", "US", ""])
    return 0


# --------------------------------------------------------------------------- table


def parse_time_v(path: str) -> dict:
    """wall (s), cpu (user + system s), rss (max RSS KiB) and status from a GNU
    ``/usr/bin/time -v`` log."""
    r = {"wall": None, "cpu": 0.0, "rss": None, "status": None}
    with open(path, errors="replace") as f:
        for line in f:
            line = line.strip()
            value = line.rsplit(": ", 1)[-1]
            if line.startswith("Elapsed (wall clock) time"):
                wall = 0.0
                for x in value.split(":"):
                    wall = wall * 60 + float(x)
                r["wall"] = wall
            elif line.startswith(("User time (seconds)", "System time (seconds)")):
                r["cpu"] += float(value)
            elif line.startswith("Maximum resident set size"):
                r["rss"] = int(value)
            elif line.startswith("Exit status"):
                r["status"] = int(value)
    return r


def cmd_table(args: list[str]) -> int:
    """``table N LABEL=TIMELOG[,TIMELOG...][=RESULT.json] ...``: one row per tool; with several
    time logs (repeats) the row shows the fastest run (its wall, CPU and peak RSS)."""
    n = args[0]
    rows = []
    for spec in args[1:]:
        parts = spec.split("=")
        label, logs = parts[0], [p for p in parts[1].split(",") if p]
        res = parts[2] if len(parts) > 2 else None
        runs = [parse_time_v(p) for p in logs if os.path.exists(p)]
        runs = [r for r in runs if r["wall"] is not None and r["status"] == 0]
        inside = None
        if res and os.path.exists(res):
            with open(res) as f:
                inside = json.load(f).get("timing_s")
        rows.append((label, min(runs, key=lambda r: r["wall"]) if runs else None,
                     sorted(r["wall"] for r in runs), inside))
    ref = next((r[1] for r in rows if r[0].lower().startswith("duckdb") and r[1]), None)
    print(f"\nN = {n} events: fastest run per tool (GNU time -v: wall clock, user + system CPU, max RSS)")
    print(f"{'tool':<22} {'wall s':>7} {'CPU s':>7} {'peak MiB':>9} {'wall/DuckDB':>12} {'peak/DuckDB':>12}  all runs, wall s")
    for label, best, walls, _ in rows:
        if best is None:
            print(f"{label:<22} {'failed':>7}")
            continue
        rw = f"{best['wall'] / ref['wall']:.2f}" if ref else "-"
        rm = f"{best['rss'] / ref['rss']:.2f}" if ref else "-"
        print(f"{label:<22} {best['wall']:>7.2f} {best['cpu']:>7.2f} {best['rss'] / 1024:>9.0f} {rw:>12} {rm:>12}  "
              + ", ".join(f"{w:.2f}" for w in walls))
    staged = [(r[0], r[3]) for r in rows if r[3]]
    if staged:
        names = []
        for _, t in staged:
            for k in t:
                if k not in names and k != "total_inside":
                    names.append(k)
        print("\nseconds by stage inside the process (time.perf_counter; last run; import = loading the libraries)")
        print(f"{'tool':<22} " + " ".join(f"{k:>7}" for k in names) + f" {'total':>7}")
        for label, t in staged:
            print(f"{label:<22} " + " ".join(f"{t.get(k, 0):>7.2f}" for k in names) + f" {t['total_inside']:>7.2f}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "compare":
        sys.exit(cmd_compare(sys.argv[2:]))
    if len(sys.argv) == 3 and sys.argv[1] == "edge-data":
        sys.exit(cmd_edge_data(sys.argv[2]))
    if len(sys.argv) == 6 and sys.argv[1] == "check-layoffs":
        sys.exit(cmd_check_layoffs(sys.argv[2:]))
    if len(sys.argv) >= 3 and sys.argv[1] == "table":
        sys.exit(cmd_table(sys.argv[2:]))
    print(__doc__, file=sys.stderr)
    sys.exit(2)
