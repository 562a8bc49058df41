#!/usr/bin/env python3
"""polars + numpy peer of the LayoffStats pipeline (see README.md).

read (lazy scan, projection pushdown) → join to fundamentals → 90-day rolling rate by
industry at month ends → monthly YoY by industry → YTD by industry → OLS in numpy with
classical, HC3 and cluster-robust errors → RESULT.json.
"""
import time

_t_start = time.perf_counter()

import common  # noqa: E402  (stdlib only)

stages = common.Stages()
stages.t0 = _t_start
with stages("import"):
    import datetime as dt

    import numpy as np
    import polars as pl

args = common.parse_args(__doc__)
col = pl.col


def text(name: str) -> pl.Expr:
    """Trimmed text, empty → null."""
    s = col(name).str.strip_chars()
    return pl.when(s != "").then(s).alias(name)


# ------------------------------------------------------------------- read
def number(name: str) -> pl.Expr:
    """A number read as text: trimmed; `Unknown` (any case) or empty → null; else it must parse."""
    s = col(name).str.strip_chars()
    return pl.when(s.str.to_lowercase() != "unknown").then(s).cast(pl.Float64).alias(name)


def scan_events(numbers_as_text: bool) -> pl.DataFrame:
    numbers = ["total_laid_off", "percentage_laid_off"]
    lf = pl.scan_csv(
        args.events,
        schema_overrides={"company": pl.String, "industry": pl.String, "date": pl.String,
                          **{c: pl.String if numbers_as_text else pl.Float64 for c in numbers}},
        # Empty fields are null in every column; `Unknown` only in the numbers (in text
        # columns it is a category of its own).
        null_values=None if numbers_as_text else {c: "Unknown" for c in numbers})
    return lf.select(
        text("company").cast(pl.Categorical),  # dictionary-encoded: cheap joins and n_unique
        pl.coalesce(text("industry"), pl.lit(common.MISSING_LABEL)).alias("industry"),
        col("date").str.to_date("%m/%d/%Y").alias("day"),
        (number("total_laid_off") if numbers_as_text else col("total_laid_off")).alias("cut"),
        (number("percentage_laid_off") if numbers_as_text else col("percentage_laid_off")).alias("frac"),
    ).collect()


with stages("read"):
    try:  # fast path: numbers parsed by the CSV reader, exact `Unknown` as null
        ev = scan_events(numbers_as_text=False)
    except pl.exceptions.ComputeError:  # ` Unknown`, `unknown`, spaces: parse the text ourselves
        ev = scan_events(numbers_as_text=True)
    fu = (
        pl.scan_csv(args.fundamentals,
                    schema_overrides={"company": pl.String, "fiscal_year": pl.Int32,
                                      "employees": pl.Float64, "revenue": pl.Float64, "revenue_growth": pl.Float64},
                    null_values=["NA", "N/A", "NaN", "null", "Unknown"])
        .select(text("company").cast(pl.Categorical), "fiscal_year", "employees", "revenue", "revenue_growth")
    )
    # Missing growth is derived from the company's previous fiscal year: (r_t / r_t−1 − 1) · 100.
    before = fu.select("company", fiscal_year=col("fiscal_year") + 1, previous_revenue="revenue")
    fu = (
        fu.join(before, on=["company", "fiscal_year"], how="left", validate="1:1", maintain_order="left")
        .with_columns(revenue_growth=pl.coalesce(
            "revenue_growth",
            pl.when(col("previous_revenue") != 0).then((col("revenue") / col("previous_revenue") - 1) * 100)))
        .drop("revenue", "previous_revenue")
        .collect()
    )
    if ev["day"].null_count():
        raise SystemExit("events: a date is missing (the project's loader requires one)")
    first, last = ev["day"].min(), ev["day"].max()

# ------------------------------------------------------------------- join
with stages("join"):
    j = (
        ev.lazy()
        .with_columns(fiscal_year=col("day").dt.year().cast(pl.Int32))
        .join(fu.lazy(), on=["company", "fiscal_year"], how="left", validate="m:1")
        # Workforce: employees of the matched fundamentals row, else implied by cut ÷ fraction.
        .with_columns(workforce=pl.coalesce("employees", pl.when(col("frac") > 0).then(col("cut") / col("frac"))))
        .with_columns(
            rate_cut=pl.when(col("workforce").is_not_null()).then("cut"),
            rate_workforce=pl.when(col("cut").is_not_null()).then("workforce"),
        )
        .collect()
    )

# ------------------------------------------------------------------- rolling
with stages("rolling"):
    # Window membership as a calendar: (day, E) for each month end E whose window (E − 90, E]
    # holds the day; joining the events on the day gives each window's events.
    cal_days, cal_ends = common.window_calendar(first, last)
    cal = pl.LazyFrame({"day": cal_days, "end": cal_ends})
    agg = j.lazy().join(cal, on="day").group_by("industry", "end").agg(
        events=pl.len(),
        companies=col("company").drop_nulls().n_unique(),
        cut=col("cut").sum(), events_with_count=col("cut").count(),
        rate_events=col("rate_cut").count(), rate_cut=col("rate_cut").sum(),
        rate_workforce=col("rate_workforce").sum(),
    ).rename({"end": "day"})
    ends = pl.LazyFrame({"day": common.month_ends(first, last)})
    groups = j.lazy().select(col("industry").unique())
    roll = (
        groups.join(ends, how="cross")
        .join(agg, on=["industry", "day"], how="left")
        .with_columns(pl.exclude("industry", "day").fill_null(0))
        .with_columns(rate=pl.when(col("rate_workforce") != 0).then(col("rate_cut") / col("rate_workforce") * 100))
        .rename({"industry": "group"})
        .collect()
    )

# ------------------------------------------------------------------- YoY
with stages("yoy"):
    months = pl.DataFrame({"period": common.months(first, last)})
    agg = j.lazy().group_by("industry", period=col("day").dt.month_start()).agg(
        events=pl.len(), companies=col("company").drop_nulls().n_unique(),
        cut=col("cut").sum(), events_without_count=col("cut").null_count().cast(pl.UInt32),
    )
    # Complete monthly grid per group, so 12 rows back is the same month a year earlier
    # (null, not zero, for the first year: outside the data's coverage).
    yoy = (
        j.lazy().select(col("industry").unique()).join(months.lazy(), how="cross")
        .join(agg, on=["industry", "period"], how="left")
        .with_columns(pl.exclude("industry", "period").fill_null(0))
        .sort("industry", "period")
        .with_columns(previous_cut=col("cut").shift(12).over("industry"))
        .with_columns(change=col("cut") - col("previous_cut"))
        .with_columns(pct_change=pl.when(col("previous_cut") != 0).then(col("change") / col("previous_cut") * 100))
        .rename({"industry": "group"})
        .collect()
    )

# ------------------------------------------------------------------- YTD
with stages("ytd"):
    span = common.YTDSpans(first, last)

    def totals(lo: dt.date, hi: dt.date, prefix: str) -> list[pl.Expr]:
        inside = col("day").is_between(lo, hi)
        return [
            inside.sum().alias(prefix + "events"),
            col("company").filter(inside).drop_nulls().n_unique().alias(prefix + "companies"),
            col("cut").filter(inside).sum().alias(prefix + "cut"),
            (inside & col("cut").is_null()).sum().alias(prefix + "events_without_count"),
        ]

    exprs = totals(span.start, span.as_of, "")
    if span.previous_covered:
        exprs += totals(span.previous_start, span.previous_end, "previous_")
    ytd = j.lazy().group_by("industry").agg(exprs)
    if span.previous_covered:
        ytd = ytd.with_columns(change=col("cut") - col("previous_cut")).with_columns(
            pct_change=pl.when(col("previous_cut") != 0).then(col("change") / col("previous_cut") * 100))
    else:
        ytd = ytd.with_columns(previous_events=None, previous_companies=None, previous_cut=None,
                               change=None, pct_change=None)
    ytd = ytd.rename({"industry": "group"}).collect()

# ------------------------------------------------------------------- OLS
with stages("ols"):
    r = (
        j.lazy()
        .filter(col("cut") > 0, col("employees") > 0, col("revenue_growth").is_not_null())
        # cluster = company, by its dictionary code
        .select(y=col("cut").log(), x1=col("employees").log(), x2="revenue_growth", g=col("company").to_physical())
        .collect()
    )
    X = np.column_stack([np.ones(r.height), r["x1"].to_numpy(), r["x2"].to_numpy()])
    ols = common.ols_sandwich(r["y"].to_numpy(), X, r["g"].to_numpy())

common.write_result(
    args.out, tool="polars+numpy",
    versions={"polars": pl.__version__, "numpy": np.__version__},
    stages=stages,
    inputs={"events": ev.height, "fundamentals": fu.height, "first_day": first, "last_day": last},
    rolling=roll.to_dicts(), yoy=yoy.to_dicts(), ytd=ytd.to_dicts(), ytd_spans=span, ols=ols)
