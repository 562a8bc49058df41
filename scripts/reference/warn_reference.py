#!/usr/bin/env python3
"""Reference values for year over year by state on the WARN notices, each state judged over
its own span of notices, computed with pandas.

Usage (from the repository root, with ../shared present):
    python3 -m venv /tmp/venv-analyses && /tmp/venv-analyses/bin/pip install numpy pandas
    /tmp/venv-analyses/bin/python scripts/reference/warn_reference.py

Writes Tests/LayoffKitTests/Reference/warn-yoy-by-state.json. Only derived figures are
written, never rows of the dataset.

The input is what a user gets by concatenating the state files (header once, the states in
file-name order) and loading them with
`--map company=canonical_name,date=notice_date,total_laid_off=employees_affected --skip-invalid`:
rows without a notice date are left out. Conventions mirrored from LayoffKit (what is checked):
- a state is observed from its first to its last notice date (`--coverage per-group`), so a
  year outside that span is missing (null totals), and one it starts or stops inside is partial;
  inside it, a year without notices is 0 (pandas' per-group resample);
- a year whose notices all lack `employees_affected` has no cut (null), and a change to or
  from it is null; a zero base gives a null percentage.
"""
import glob
import json
import os
import sys

import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WARN = os.path.join(os.path.dirname(ROOT), "shared", "datasets", "warn")
OUT = os.path.join(ROOT, "Tests", "LayoffKitTests", "Reference", "warn-yoy-by-state.json")
# States whose spans or counts make the cases: MI stops in 2025-09, HI never reports counts,
# OK reports none in 2023, 2025 and 2026, FL reports every count; plus the first years of WA.
STATES = ["FL", "HI", "MI", "OK", "WA"]


def load():
    files = sorted(glob.glob(os.path.join(WARN, "*.csv")))
    df = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in files], ignore_index=True)
    df = df[df["notice_date"].str.strip() != ""].copy()
    df["day"] = pd.to_datetime(df["notice_date"], format="%Y-%m-%d")
    df["cut"] = pd.to_numeric(df["employees_affected"].replace("", None))
    df["state"] = df["state"].str.strip()
    return df


def by_state(df, state):
    sub = df[df["state"] == state]
    first, last = sub["day"].min(), sub["day"].max()
    # Per-group resample: one row per year of the state's own span, zeros inside it.
    g = sub.set_index("day").resample("YS")
    agg = pd.DataFrame({
        "events": g.size(),
        "eventsWithCount": g["cut"].count(),
        "companies": g["canonical_name"].nunique(),
        "cut": g["cut"].sum(min_count=1),
    })
    agg.index = agg.index.year
    years = range(df["day"].min().year, df["day"].max().year + 1)

    def known(x):
        return None if pd.isna(x) else float(x)

    def partial(y):
        start, end = pd.Timestamp(year=y, month=1, day=1), pd.Timestamp(year=y, month=12, day=31)
        return bool(start <= last and end >= first and (start < first or end > last))

    rows = []
    for y in years:
        cur = agg.loc[y] if y in agg.index else None
        prev = agg.loc[y - 1] if (y - 1) in agg.index else None
        cut = None if cur is None else (0.0 if cur["events"] == 0 else known(cur["cut"]))
        prev_cut = None if prev is None else (0.0 if prev["events"] == 0 else known(prev["cut"]))
        change = None if cut is None or prev_cut is None else cut - prev_cut
        pct = None if change is None or prev_cut == 0 else change / prev_cut * 100
        rows.append({
            "year": y,
            "events": None if cur is None else int(cur["events"]),
            "eventsWithCount": None if cur is None else int(cur["eventsWithCount"]),
            "companies": None if cur is None else int(cur["companies"]),
            "cut": cut, "prevCut": prev_cut, "change": change, "pctChange": pct,
            "partial": partial(y), "prevPartial": partial(y - 1),
        })
    return {"state": state, "first": str(first.date()), "last": str(last.date()), "rows": rows}


def main():
    if not os.path.isdir(WARN):
        sys.exit(f"missing {WARN}")
    df = load()
    out = {
        "meta": {"source": "../shared/datasets/warn/*.csv", "script": "scripts/reference/warn_reference.py",
                 "pandas": pd.__version__, "rows": int(len(df)),
                 "first": str(df["day"].min().date()), "last": str(df["day"].max().date())},
        "states": [by_state(df, s) for s in STATES],
    }
    with open(OUT, "w") as fh:
        json.dump(out, fh, indent=1, allow_nan=False)
        fh.write("\n")


if __name__ == "__main__":
    main()
