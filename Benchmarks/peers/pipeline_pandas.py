#!/usr/bin/env python3
"""pandas + statsmodels peer of the LayoffStats pipeline (see README.md).

read (pyarrow engine) → join to fundamentals → 90-day rolling rate by industry at month
ends → monthly YoY by industry → YTD by industry → OLS with classical, HC3 and
cluster-robust errors (statsmodels) → RESULT.json.
"""
import time

_t_start = time.perf_counter()

import common  # noqa: E402  (stdlib only)

stages = common.Stages()
stages.t0 = _t_start
with stages("import"):
    import numpy as np
    import pandas as pd
    import statsmodels
    from statsmodels.regression.linear_model import OLS  # lighter than statsmodels.api

args = common.parse_args(__doc__)

EVENT_COLUMNS = ["company", "total_laid_off", "date", "percentage_laid_off", "industry"]


def text(s: pd.Series) -> pd.Series:
    """Trimmed text, empty → missing, as a categorical (cheap grouping and joins)."""
    s = s.str.strip()
    return s.mask(s == "").astype("category")


def number(s: pd.Series) -> pd.Series:
    """A numeric column read as text: `Unknown` (any case, spaces around) or empty → NaN,
    anything else must parse. Each distinct text is converted once (a few thousand)."""
    c = s.astype("category")
    cats = c.cat.categories.str.strip()
    values = pd.to_numeric(cats.where(~cats.str.lower().isin(["unknown", ""]))).astype("float64")
    codes = c.cat.codes.to_numpy()
    return pd.Series(np.where(codes >= 0, values.to_numpy()[codes], np.nan), index=s.index)


def dates(s: pd.Series) -> pd.Series:
    """M/D/YYYY text → datetime64; each distinct text is parsed once (≈2,200 days)."""
    c = s.astype("category")
    codes = c.cat.codes.to_numpy()
    if (codes < 0).any():
        raise SystemExit("events: a date is missing (the project's loader requires one)")
    parsed = pd.to_datetime(c.cat.categories, format="%m/%d/%Y")
    return pd.Series(parsed.take(codes), index=s.index)


# ------------------------------------------------------------------- read
with stages("read"):
    raw = pd.read_csv(args.events, engine="pyarrow", usecols=EVENT_COLUMNS,
                      keep_default_na=False, na_values=[""],
                      dtype={"company": "str", "industry": "str", "date": "str",
                             "total_laid_off": "str", "percentage_laid_off": "str"})
    ev = pd.DataFrame({
        "company": text(raw["company"]),
        "industry": text(raw["industry"]),
        "day": dates(raw["date"]),
        "cut": number(raw["total_laid_off"]),
        "frac": number(raw["percentage_laid_off"]),
    })
    del raw
    if ev["industry"].isna().any():
        ev["industry"] = ev["industry"].cat.add_categories([common.MISSING_LABEL]).fillna(common.MISSING_LABEL)
    fu = pd.read_csv(args.fundamentals, engine="pyarrow",
                     usecols=["company", "fiscal_year", "employees", "revenue", "revenue_growth"],
                     keep_default_na=False, na_values=["", "NA", "N/A", "NaN", "null", "Unknown"],
                     dtype={"company": "str", "fiscal_year": "int64", "employees": "float64",
                            "revenue": "float64", "revenue_growth": "float64"})
    fu["company"] = text(fu["company"])
    # Missing growth is derived from the company's previous fiscal year: (r_t / r_t−1 − 1) · 100.
    before = fu[["company", "fiscal_year", "revenue"]].rename(columns={"revenue": "previous_revenue"})
    before["fiscal_year"] += 1
    fu = fu.merge(before, how="left", on=["company", "fiscal_year"], validate="one_to_one")
    derived = (fu["revenue"] / fu["previous_revenue"].where(fu["previous_revenue"] != 0) - 1) * 100
    fu["revenue_growth"] = fu["revenue_growth"].fillna(derived)
    fu = fu.drop(columns=["revenue", "previous_revenue"])
    first, last = ev["day"].min(), ev["day"].max()

# ------------------------------------------------------------------- join
with stages("join"):
    # Same categories on both sides so the merge compares integer codes.
    cats = ev["company"].cat.categories.union(fu["company"].cat.categories)
    ev["company"] = ev["company"].cat.set_categories(cats)
    fu["company"] = fu["company"].cat.set_categories(cats)
    ev["fiscal_year"] = ev["day"].dt.year
    j = ev.merge(fu, how="left", on=["company", "fiscal_year"], validate="many_to_one", sort=False)
    # Workforce: employees of the matched fundamentals row, else implied by cut ÷ fraction.
    j["workforce"] = j["employees"].fillna(j["cut"] / j["frac"].where(j["frac"] > 0))
    both = j["cut"].notna() & j["workforce"].notna()
    j["rate_cut"] = j["cut"].where(both)
    j["rate_workforce"] = j["workforce"].where(both)

# ------------------------------------------------------------------- rolling
with stages("rolling"):
    # Window membership as a calendar: (day, E) for each month end E whose window (E − 90, E]
    # holds the day; merging the events on the day gives each window's events.
    cal_days, cal_ends = common.window_calendar(first.date(), last.date())
    cal = pd.DataFrame({"day": pd.to_datetime(cal_days).astype(j["day"].dtype),
                        "end": pd.to_datetime(cal_ends).astype(j["day"].dtype)})
    x = j[["day", "industry", "company", "cut", "rate_cut", "rate_workforce"]].merge(cal, on="day")
    roll = x.groupby(["industry", "end"], observed=True, sort=False).agg(
        events=("company", "size"), companies=("company", "nunique"),
        cut=("cut", "sum"), events_with_count=("cut", "count"),
        rate_events=("rate_cut", "count"), rate_cut=("rate_cut", "sum"),
        rate_workforce=("rate_workforce", "sum"))
    del x
    groups = ev["industry"].cat.remove_unused_categories().cat.categories
    ends = pd.DatetimeIndex(common.month_ends(first.date(), last.date())).astype(j["day"].dtype)
    roll = roll.reindex(pd.MultiIndex.from_product([groups, ends], names=["industry", "end"]), fill_value=0)
    roll["rate"] = (roll["rate_cut"] / roll["rate_workforce"] * 100).where(roll["rate_workforce"] != 0)
    roll = roll.reset_index().rename(columns={"industry": "group", "end": "day"})

# ------------------------------------------------------------------- YoY
with stages("yoy"):
    j["month"] = j["day"].dt.to_period("M")
    m = j.groupby(["industry", "month"], observed=True).agg(
        events=("company", "size"), companies=("company", "nunique"),
        cut=("cut", "sum"), with_count=("cut", "count"))
    all_months = pd.period_range(first, last, freq="M")
    m = m.reindex(pd.MultiIndex.from_product([groups, all_months], names=["industry", "month"]), fill_value=0)
    m["events_without_count"] = m["events"] - m["with_count"]
    # Complete monthly grid per group, so 12 rows back is the same month a year earlier
    # (missing, not zero, for the first year: outside the data's coverage).
    m["previous_cut"] = m.groupby(level="industry", observed=True)["cut"].shift(12)
    m["change"] = m["cut"] - m["previous_cut"]
    m["pct_change"] = (m["change"] / m["previous_cut"] * 100).where(m["previous_cut"] != 0)
    yoy = m.reset_index().rename(columns={"industry": "group"})
    yoy["period"] = yoy["month"].dt.start_time

# ------------------------------------------------------------------- YTD
with stages("ytd"):
    span = common.YTDSpans(first.date(), last.date())

    def totals(lo, hi):
        sel = j.loc[j["day"].between(pd.Timestamp(lo), pd.Timestamp(hi)), ["industry", "company", "cut"]]
        t = sel.groupby("industry", observed=False).agg(
            events=("company", "size"), companies=("company", "nunique"),
            cut=("cut", "sum"), with_count=("cut", "count"))
        t["events_without_count"] = t["events"] - t["with_count"]
        return t.reindex(groups, fill_value=0)

    cur = totals(span.start, span.as_of)
    ytd = cur[["events", "companies", "cut", "events_without_count"]].copy()
    if span.previous_covered:
        prev = totals(span.previous_start, span.previous_end)
        ytd["previous_events"] = prev["events"]
        ytd["previous_companies"] = prev["companies"]
        ytd["previous_cut"] = prev["cut"]
        ytd["change"] = ytd["cut"] - ytd["previous_cut"]
        ytd["pct_change"] = (ytd["change"] / ytd["previous_cut"] * 100).where(ytd["previous_cut"] != 0)
    else:
        for c in ("previous_events", "previous_companies", "previous_cut", "change", "pct_change"):
            ytd[c] = None
    ytd = ytd.rename_axis("group").reset_index()

# ------------------------------------------------------------------- OLS
with stages("ols"):
    r = j.loc[(j["cut"] > 0) & (j["employees"] > 0) & j["revenue_growth"].notna(),
              ["cut", "employees", "revenue_growth", "company"]]
    X = np.column_stack([np.ones(len(r)), np.log(r["employees"].to_numpy()), r["revenue_growth"].to_numpy()])
    y = np.log(r["cut"].to_numpy())
    clusters = r["company"].cat.codes.to_numpy()
    fit = OLS(y, X).fit()
    hc3 = fit.get_robustcov_results(cov_type="HC3")
    cl = fit.get_robustcov_results(cov_type="cluster", groups=clusters)  # CR1: G/(G−1)·(n−1)/(n−k)
    ols = {"n": int(fit.nobs), "k": X.shape[1], "clusters": int(len(np.unique(clusters))),
           "coef": fit.params.tolist(), "se_classical": fit.bse.tolist(),
           "se_hc3": hc3.bse.tolist(), "se_cluster": cl.bse.tolist(), "r2": float(fit.rsquared)}

common.write_result(
    args.out, tool="pandas+statsmodels",
    versions={"pandas": pd.__version__, "statsmodels": statsmodels.__version__, "numpy": np.__version__},
    stages=stages,
    inputs={"events": len(ev), "fundamentals": len(fu), "first_day": first, "last_day": last},
    rolling=roll.to_dict("records"), yoy=yoy.to_dict("records"), ytd=ytd.to_dict("records"),
    ytd_spans=span, ols=ols)
