#!/usr/bin/env python3
"""Reference values for the LayoffKit analyses, computed with pandas from the layoffs.fyi export.

Usage (from the repository root, with ../shared present):
    python3 -m venv /tmp/venv-analyses && /tmp/venv-analyses/bin/pip install numpy pandas
    /tmp/venv-analyses/bin/python scripts/reference/layoffs_reference.py

Writes Tests/LayoffKitTests/Reference/layoffsfyi-{monthly-yoy,ytd,rolling-90d}.json.
Only derived figures are written, never rows of the dataset.

Conventions mirrored from LayoffKit (they are what is being checked):
- missing cut/fraction are missing (empty cells), never 0; an empty industry is "(missing)";
- coverage is [first event day, last event day]; a period is covered when it intersects it;
  a covered period without events is 0, the previous-year period outside coverage is null;
- a period whose events all lack a count has no cut (null, pandas' sum with min_count=1),
  and a change against or from it is null;
- workforce is implied by cut / fraction when both are known and fraction > 0;
- the 90-day window ending on d holds days in (d - 90, d]; month ends are the last day of each
  month whose last day lies within the coverage.
"""
import json
import os
import sys

import numpy as np
import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(os.path.dirname(ROOT), "shared", "datasets", "layoffs-fyi-2020-2026.csv")
OUT = os.path.join(ROOT, "Tests", "LayoffKitTests", "Reference")
MISSING = "(missing)"


def load():
    df = pd.read_csv(DATA, keep_default_na=False, na_values=[""],
                     dtype={c: str for c in ["company", "location", "industry", "source", "stage", "country"]})
    # Text is trimmed on load, as LayoffKit's EventLoader does ("Wayfair " is "Wayfair").
    for c in ["company", "location", "industry", "source", "stage", "country"]:
        df[c] = df[c].str.strip().replace("", None)
    df["day"] = pd.to_datetime(df["date"], format="%m/%d/%Y")
    df["industry"] = df["industry"].fillna(MISSING)
    f = df["percentage_laid_off"]
    both = df["total_laid_off"].notna() & f.notna() & (f > 0)
    df["rate_cut"] = df["total_laid_off"].where(both)
    df["rate_wf"] = (df["total_laid_off"] / f).where(both)
    return df


def group_order(names):
    named = sorted(n for n in set(names) if n != MISSING)
    return named + ([MISSING] if MISSING in set(names) else [])


def totals(sub):
    return {
        "events": int(len(sub)),
        "companies": int(sub["company"].nunique()),
        "cut": float(sub["total_laid_off"].sum()),
        "eventsWithoutCount": int(sub["total_laid_off"].isna().sum()),
    }


def monthly_yoy(df):
    first, last = df["day"].min(), df["day"].max()
    months = pd.period_range(first.to_period("M"), last.to_period("M"), freq="M")
    per = df["day"].dt.to_period("M")
    g = df.groupby(per)
    agg = pd.DataFrame({
        "events": g.size(),
        "companies": g["company"].nunique(),
        # NaN when every event of the month lacks a count; months without events are 0.
        "cut": g["total_laid_off"].sum(min_count=1),
        "eventsWithoutCount": g["total_laid_off"].apply(lambda s: int(s.isna().sum())),
    }).reindex(months, fill_value=0)

    def known(x):
        return None if pd.isna(x) else float(x)

    rows = []
    for p in months:
        prev = p - 12
        cur = agg.loc[p]
        cut = known(cur["cut"])
        prev_cut = known(agg.loc[prev, "cut"]) if prev >= months[0] else None
        change = None if prev_cut is None or cut is None else cut - prev_cut
        pct = None if change is None or prev_cut == 0 else change / prev_cut * 100
        rows.append({
            "period": str(p), "prevPeriod": str(prev),
            "events": int(cur["events"]), "companies": int(cur["companies"]),
            "cut": cut, "eventsWithoutCount": int(cur["eventsWithoutCount"]),
            "prevCut": prev_cut, "change": change, "pctChange": pct,
            "partial": bool(p.start_time < first or p.end_time.normalize() > last),
        })
    return rows


def ytd(df, as_of):
    as_of = pd.Timestamp(as_of)
    start = pd.Timestamp(year=as_of.year, month=1, day=1)
    prev_start = pd.Timestamp(year=as_of.year - 1, month=1, day=1)
    # Feb 29 -> Feb 28, as DateOffset does.
    prev_end = as_of - pd.DateOffset(years=1)
    out = {"asOf": str(as_of.date()), "start": str(start.date()), "prevStart": str(prev_start.date()),
           "prevEnd": str(prev_end.date()), "groups": []}

    def span(sub, a, b):
        return totals(sub[(sub["day"] >= a) & (sub["day"] <= b)])

    out["overall"] = {"current": span(df, start, as_of), "previous": span(df, prev_start, prev_end)}
    for name in group_order(df["industry"]):
        sub = df[df["industry"] == name]
        out["groups"].append({"group": name, "current": span(sub, start, as_of),
                              "previous": span(sub, prev_start, prev_end)})
    return out


def rolling_90d(df, first, last, month_ends):
    """90-day rolling sums at month ends via pandas' time-based rolling on a daily series."""
    days = pd.date_range(first, last, freq="D")
    daily = pd.DataFrame({
        "events": df.groupby("day").size(),
        "cut": df.groupby("day")["total_laid_off"].sum(min_count=0),
        "rateCut": df.groupby("day")["rate_cut"].sum(min_count=0),
        "rateWorkforce": df.groupby("day")["rate_wf"].sum(min_count=0),
        "rateEvents": df.groupby("day")["rate_cut"].count(),
    }).reindex(days, fill_value=0).fillna(0)
    roll = daily.rolling("90D").sum()  # window (t - 90 days, t], closed on the right
    rows = []
    for d in month_ends:
        r = roll.loc[d]
        # Independent check of the window convention: brute force over the events.
        inwin = df[(df["day"] > d - pd.Timedelta(days=90)) & (df["day"] <= d)]
        assert int(r["events"]) == len(inwin), (d, r["events"], len(inwin))
        assert np.isclose(r["cut"], inwin["total_laid_off"].sum(), rtol=1e-12, atol=0)
        assert np.isclose(r["rateWorkforce"], inwin["rate_wf"].sum(), rtol=1e-12, atol=1e-9)
        wf = float(r["rateWorkforce"])
        rows.append({
            "day": str(d.date()), "events": int(r["events"]), "companies": int(inwin["company"].nunique()),
            "cut": float(r["cut"]), "rateEvents": int(r["rateEvents"]),
            "rateCut": float(r["rateCut"]), "rateWorkforce": wf,
            "rate": None if wf == 0 else float(r["rateCut"]) / wf * 100,
        })
    return rows


def main():
    if not os.path.exists(DATA):
        sys.exit(f"missing {DATA}")
    df = load()
    first, last = df["day"].min(), df["day"].max()
    month_ends = [d for d in pd.date_range(first, last, freq="ME")]
    os.makedirs(OUT, exist_ok=True)

    def write(name, obj, compact=False):
        with open(os.path.join(OUT, name), "w") as fh:
            json.dump(obj, fh, indent=None if compact else 1, allow_nan=False)
            fh.write("\n")

    meta = {"source": "../shared/datasets/layoffs-fyi-2020-2026.csv", "script": "scripts/reference/layoffs_reference.py",
            "pandas": pd.__version__, "first": str(first.date()), "last": str(last.date()), "rows": int(len(df))}
    write("layoffsfyi-monthly-yoy.json", {"meta": meta, "rows": monthly_yoy(df)})
    write("layoffsfyi-ytd.json", {"meta": meta, **ytd(df, "2024-04-03")})
    rolling = {"meta": meta, "window": "90d", "schedule": "monthEnd",
               "overall": rolling_90d(df, first, last, month_ends), "groups": []}
    for name in group_order(df["industry"]):
        rolling["groups"].append({"group": name, "rows": rolling_90d(df[df["industry"] == name], first, last, month_ends)})
    write("layoffsfyi-rolling-90d.json", rolling, compact=True)


if __name__ == "__main__":
    main()
