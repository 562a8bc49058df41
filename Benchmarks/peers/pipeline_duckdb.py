#!/usr/bin/env python3
"""DuckDB (+ numpy for the regression errors) peer of the LayoffStats pipeline (see README.md).

read_csv with explicit types → join to fundamentals → 90-day rolling rate by industry at
month ends (events joined to a day → window calendar) → monthly YoY by industry (lag over
a complete month grid) → YTD by industry (filtered aggregates) → OLS in numpy with
classical, HC3 and cluster-robust errors → RESULT.json.
"""
import time

_t_start = time.perf_counter()

import common  # noqa: E402  (stdlib only)

stages = common.Stages()
stages.t0 = _t_start
with stages("import"):
    import duckdb
    import numpy as np

args = common.parse_args(__doc__)
con = duckdb.connect()  # in memory; DuckDB uses all cores (2 here) by default


def q(sql: str, **params):
    return con.execute(sql, params or None)


def rows(sql: str, **params) -> list[dict]:
    cur = q(sql, **params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


CSV = "header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"'"

# ------------------------------------------------------------------- read
with stages("read"):
    # total_laid_off / percentage_laid_off are read as text so that only they treat
    # `Unknown` as missing (in text columns it is a category of its own); a value that is
    # neither a number nor `Unknown` makes the cast fail, as it makes the project's load fail.
    q(f"""
        CREATE TABLE ev AS
        SELECT nullif(trim(company), '') AS company,
               coalesce(nullif(trim(industry), ''), {lit(common.MISSING_LABEL)}) AS industry,
               date AS day,
               CAST(CASE WHEN lower(trim(total_laid_off)) <> 'unknown' THEN total_laid_off END AS DOUBLE) AS cut,
               CAST(CASE WHEN lower(trim(percentage_laid_off)) <> 'unknown' THEN percentage_laid_off END AS DOUBLE) AS frac
        FROM read_csv({lit(args.events)}, {CSV}, dateformat = '%m/%d/%Y',
            columns = {{'company': 'VARCHAR', 'location': 'VARCHAR', 'total_laid_off': 'VARCHAR',
                        'date': 'DATE', 'percentage_laid_off': 'VARCHAR', 'industry': 'VARCHAR',
                        'source': 'VARCHAR', 'stage': 'VARCHAR', 'funds_raised': 'VARCHAR',
                        'country': 'VARCHAR', 'date_added': 'VARCHAR'}})
    """)
    q(f"""
        CREATE TABLE fu AS
        WITH f AS (
            SELECT nullif(trim(company), '') AS company, fiscal_year, employees, revenue, revenue_growth
            FROM read_csv({lit(args.fundamentals)}, {CSV}, nullstr = ['', 'NA', 'N/A', 'NaN', 'null', 'Unknown'],
                columns = {{'company': 'VARCHAR', 'fiscal_year': 'INTEGER', 'employees': 'DOUBLE',
                            'revenue': 'DOUBLE', 'revenue_growth': 'DOUBLE'}})
        )
        SELECT f.company, f.fiscal_year, f.employees,
               -- missing growth is derived from the previous fiscal year: (r_t / r_t−1 − 1) · 100
               coalesce(f.revenue_growth,
                        CASE WHEN b.revenue <> 0 THEN (f.revenue / b.revenue - 1) * 100 END) AS revenue_growth,
               dense_rank() OVER (ORDER BY f.company) AS cid   -- cluster id for the regression
        FROM f LEFT JOIN f AS b ON b.company = f.company AND b.fiscal_year = f.fiscal_year - 1
    """)
    n_events, n_days, first, last = q("SELECT count(*), count(day), min(day), max(day) FROM ev").fetchone()
    if n_days != n_events:
        raise SystemExit("events: a date is missing (the project's loader requires one)")
    n_fund, n_keys = q("SELECT count(*), count(DISTINCT (company, fiscal_year)) FROM fu").fetchone()
    if n_fund != n_keys:
        raise SystemExit("fundamentals: a (company, fiscal_year) occurs twice (the project's loader rejects that)")

# ------------------------------------------------------------------- join
with stages("join"):
    q("""
        CREATE TABLE j AS
        SELECT ev.*, fu.employees, fu.revenue_growth, fu.cid,
               -- workforce: employees of the matched fundamentals row, else implied by cut ÷ fraction
               coalesce(fu.employees, CASE WHEN ev.frac > 0 THEN ev.cut / ev.frac END) AS workforce
        FROM ev LEFT JOIN fu ON fu.company = ev.company AND fu.fiscal_year = year(ev.day)
    """)

# ------------------------------------------------------------------- rolling
with stages("rolling"):
    # Window membership as a calendar: (day, E) for each month end E whose window (E − 90, E]
    # holds the day; joining the events on the day gives each window's events.
    cal_days, cal_ends = common.window_calendar(first, last)
    q("CREATE TABLE cal AS SELECT unnest($d::DATE[]) AS day, unnest($e::DATE[]) AS window_end",
      d=cal_days, e=cal_ends)
    q("CREATE TABLE ends AS SELECT unnest($ends::DATE[]) AS day", ends=common.month_ends(first, last))
    q("CREATE TABLE groups AS SELECT DISTINCT industry FROM ev")
    roll = rows("""
        WITH w AS (
            SELECT j.industry, cal.window_end AS day, count(*) AS events,
                   count(DISTINCT j.company) AS companies,
                   sum(j.cut) AS cut, count(j.cut) AS events_with_count,
                   count(j.cut) FILTER (WHERE j.workforce IS NOT NULL) AS rate_events,
                   sum(j.cut) FILTER (WHERE j.workforce IS NOT NULL) AS rate_cut,
                   sum(j.workforce) FILTER (WHERE j.cut IS NOT NULL) AS rate_workforce
            FROM j JOIN cal USING (day)
            GROUP BY ALL
        )
        SELECT g.industry AS "group", e.day,
               coalesce(events, 0) AS events, coalesce(companies, 0) AS companies,
               coalesce(cut, 0) AS cut, coalesce(events_with_count, 0) AS events_with_count,
               coalesce(rate_events, 0) AS rate_events, coalesce(rate_cut, 0) AS rate_cut,
               coalesce(rate_workforce, 0) AS rate_workforce,
               CASE WHEN rate_workforce <> 0 THEN rate_cut / rate_workforce * 100 END AS rate
        FROM groups g CROSS JOIN ends e LEFT JOIN w USING (industry, day)
    """)

# ------------------------------------------------------------------- YoY
with stages("yoy"):
    yoy = rows("""
        WITH m AS (
            SELECT industry, date_trunc('month', day) AS period, count(*) AS events,
                   count(DISTINCT company) AS companies, sum(cut) AS cut,
                   count(*) - count(cut) AS events_without_count
            FROM ev GROUP BY ALL
        ), grid AS (   -- complete month grid per group: 12 rows back = same month a year earlier
            SELECT g.industry, p.period::DATE AS period,
                   coalesce(m.events, 0) AS events, coalesce(m.companies, 0) AS companies,
                   coalesce(m.cut, 0) AS cut, coalesce(m.events_without_count, 0) AS events_without_count,
                   lag(coalesce(m.cut, 0), 12) OVER (PARTITION BY g.industry ORDER BY p.period) AS previous_cut
            FROM groups g
            CROSS JOIN unnest(generate_series(date_trunc('month', $first::DATE), $last::DATE, INTERVAL 1 MONTH)) p(period)
            LEFT JOIN m ON m.industry = g.industry AND m.period = p.period
        )
        SELECT industry AS "group", period, events, companies, cut, events_without_count, previous_cut,
               cut - previous_cut AS change,
               CASE WHEN previous_cut <> 0 THEN (cut - previous_cut) / previous_cut * 100 END AS pct_change
        FROM grid
    """, first=first, last=last)

# ------------------------------------------------------------------- YTD
with stages("ytd"):
    span = common.YTDSpans(first, last)

    def totals(prefix: str, lo: str, hi: str) -> str:
        inside = f"day BETWEEN {lo} AND {hi}"
        return f"""count(*) FILTER (WHERE {inside}) AS {prefix}events,
                   count(DISTINCT company) FILTER (WHERE {inside}) AS {prefix}companies,
                   coalesce(sum(cut) FILTER (WHERE {inside}), 0) AS {prefix}cut,
                   count(*) FILTER (WHERE {inside} AND cut IS NULL) AS {prefix}events_without_count"""

    prev = (totals("previous_", "$ps", "$pe") if span.previous_covered else
            "NULL AS previous_events, NULL AS previous_companies, NULL AS previous_cut")
    # Only the two spans' rows are aggregated; every group gets a row (zeros included).
    ytd = rows(f"""
        WITH t AS (
            SELECT industry, {totals("", "$cs", "$ce")}, {prev}
            FROM ev WHERE day BETWEEN $lo AND $ce GROUP BY industry
        )
        SELECT g.industry AS "group",
               coalesce(events, 0) AS events, coalesce(companies, 0) AS companies,
               coalesce(cut, 0) AS cut, coalesce(events_without_count, 0) AS events_without_count,
               {"coalesce(previous_events, 0) AS previous_events, coalesce(previous_companies, 0) AS previous_companies, coalesce(previous_cut, 0) AS previous_cut" if span.previous_covered else "previous_events, previous_companies, previous_cut"},
               cut - previous_cut AS change,
               CASE WHEN previous_cut <> 0 THEN (cut - previous_cut) / previous_cut * 100 END AS pct_change
        FROM groups g LEFT JOIN t USING (industry)
    """, cs=span.start, ce=span.as_of, lo=min(span.start, span.previous_start),
        **({"ps": span.previous_start, "pe": span.previous_end} if span.previous_covered else {}))

# ------------------------------------------------------------------- OLS
with stages("ols"):
    r = q("""
        SELECT ln(cut) AS y, ln(employees) AS x1, revenue_growth AS x2, cid AS g FROM j
        WHERE cut > 0 AND employees > 0 AND revenue_growth IS NOT NULL
    """).fetchnumpy()
    X = np.column_stack([np.ones(len(r["y"])), r["x1"], r["x2"]])
    ols = common.ols_sandwich(r["y"], X, r["g"])

common.write_result(
    args.out, tool="duckdb+numpy",
    versions={"duckdb": duckdb.__version__, "numpy": np.__version__},
    stages=stages,
    inputs={"events": n_events, "fundamentals": n_fund, "first_day": first, "last_day": last},
    rolling=roll, yoy=yoy, ytd=ytd, ytd_spans=span, ols=ols)
