#!/usr/bin/env python3
"""Reference values for the WARN Notice Register layout on the 40 state files, computed with
pandas independently of LayoffKit: the rows left out, the amendments dropped, the notices dated
by their effective date, the export date, year over year by state (years) and year to date by
state as of the export date, each state judged over its own span of notices.

Usage (from the repository root, with ../shared present):
    python3 -m venv /tmp/venv-warn && /tmp/venv-warn/bin/pip install numpy pandas
    /tmp/venv-warn/bin/python scripts/reference/warn_register_reference.py

Also the share of the layoffs.fyi export's US events (../shared/datasets/layoffs-fyi-2020-2026.csv)
with a notice of the same employer within 60 days before or after, by year, as `layoffs match`
computes it: employers compared by LayoffKit's documented name normalisation and built-in
aliases (CompanyNames), a notice's employer being its canonical_name (else employer_name) or its
employer_name.

Writes Tests/LayoffKitTests/Reference/warn-register.json. Only derived figures are written,
never rows of the dataset.

The input is what `layoffs summary --data ../shared/datasets/warn/*.csv --skip-invalid` reads
(the files in name order, the register's layout recognised from the header). The rules it
follows, as documented for the layout:
- the employer is `canonical_name`, else `employer_name`; the date is `notice_date`, else
  (empty) `effective_date`; spaces and tabs around values are ignored;
- a row is left out (a problem) when it has no employer, no date, a date that is not a day,
  a count that is not a whole number >= 0, a `first_seen` that is not a day, or a notice date
  (not an effective date standing in) later than its `first_seen`;
- of the rows left, those with `is_amendment` 1 (or true) are dropped and counted;
- the export date is the latest `first_seen` of the events kept;
- year over year and year to date: a state is observed from its first to its last event day,
  a period outside that span is missing (null), one it starts or stops inside is partial;
  inside it a period without events is 0; a period whose events all lack a count has no cut
  (null); a zero base has no percentage.
"""
import bisect
import glob
import json
import os
import re
import sys
import unicodedata

import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WARN = os.path.join(os.path.dirname(ROOT), "shared", "datasets", "warn")
OUT = os.path.join(ROOT, "Tests", "LayoffKitTests", "Reference", "warn-register.json")
FYI = os.path.join(os.path.dirname(ROOT), "shared", "datasets", "layoffs-fyi-2020-2026.csv")
WHOLE = re.compile(r"^\d+(\.0*)?$")
SUFFIXES = {"inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc",
            "plc", "ag", "sa", "gmbh", "holding", "holdings", "group"}
# CompanyNames.builtInAliases (alias, company), as documented there.
ALIASES = [
    ("Google", "Alphabet"), ("Meta", "Meta Platforms"), ("Facebook", "Meta Platforms"),
    ("AWS", "Amazon"), ("Amazon Web Services", "Amazon"), ("Salesforce.com", "Salesforce"),
    ("Twitter", "X"), ("X Corp", "X"),
    ("Uber", "Uber Technologies"), ("Cisco", "Cisco Systems"), ("Dell", "Dell Technologies"),
    ("Micron", "Micron Technology"), ("Peloton", "Peloton Interactive"),
    ("Opendoor", "Opendoor Technologies"), ("Coinbase", "Coinbase Global"),
    ("Akamai", "Akamai Technologies"), ("Zoom", "Zoom Video Communications"),
    ("Zebra", "Zebra Technologies"), ("Take-Two", "Take-Two Interactive Software"),
    ("Take-Two Interactive", "Take-Two Interactive Software"), ("Juniper", "Juniper Networks"),
    ("Marvell", "Marvell Technology"), ("Rackspace", "Rackspace Technology"),
    ("Offerpad", "Offerpad Solutions"), ("Capital One", "Capital One Financial"),
    ("Square", "Block"), ("HPE", "Hewlett Packard Enterprise"),
]


def normalize(name):
    """The documented normalisation: lowercase, a trailing .com dropped, apostrophes and periods
    deleted, & as 'and', other non-alphanumerics as spaces, a leading 'the' and trailing legal
    suffixes dropped while a word remains."""
    s = name.lower().rstrip()
    if s.endswith(".com"):
        s = s[:-4]
    out = []
    for ch in s:
        if ch in "'\u2019.":
            continue
        out.append(" and " if ch == "&" else (ch if ch.isalpha() or ch.isnumeric() else " "))
    words = "".join(out).split(" ")
    words = [w for w in words if w]
    if len(words) > 1 and words[0] == "the":
        words.pop(0)
    while len(words) > 1 and words[-1] in SUFFIXES:
        words.pop()
    return " ".join(words)


ALIAS_KEYS = {normalize(a): normalize(c) for a, c in ALIASES}


def key(name):
    n = normalize(name)
    return ALIAS_KEYS.get(n, n)


def day(text):
    """An ISO or M/D/YYYY day, or None."""
    t = text.strip(" \t")
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return pd.to_datetime(t, format=fmt)
        except (ValueError, TypeError):
            continue
    return None


def load():
    files = sorted(glob.glob(os.path.join(WARN, "*.csv")))
    df = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in files], ignore_index=True)
    for c in df.columns:
        df[c] = df[c].astype(object).map(lambda v: v.strip(" \t"))
    return files, df


def kept(df):
    company = df["canonical_name"].where(df["canonical_name"] != "", df["employer_name"])
    fell_back = df["notice_date"] == ""
    date_text = df["notice_date"].where(~fell_back, df["effective_date"])
    days = date_text.map(lambda t: day(t) if t else None)
    seen = df["first_seen"].map(lambda t: day(t) if t else None)
    count_ok = df["employees_affected"].map(lambda t: t == "" or bool(WHOLE.match(t.replace(",", ""))))
    seen_ok = (df["first_seen"] == "") | seen.notna()
    after = (~fell_back) & days.notna() & seen.notna() & (days > seen)
    ok = (company != "") & days.notna() & count_ok & seen_ok & ~after
    out = pd.DataFrame({
        "state": df["state"], "company": company.map(lambda s: unicodedata.normalize("NFC", s)),
        "employer_name": df["employer_name"],
        "day": pd.to_datetime(days.where(ok)), "fell_back": fell_back, "seen": pd.to_datetime(seen.where(ok)),
        "cut": pd.to_numeric(df["employees_affected"].str.replace(",", "").replace("", None), errors="coerce"),
        "amendment": df["is_amendment"].str.lower().isin(["1", "true"]),
    })[ok]
    return out, int((~ok).sum()), int(after.sum())


def totals(sub):
    """events, eventsWithCount, companies, cut (None when no event has a count; 0 without events)."""
    n = int(len(sub))
    with_count = int(sub["cut"].notna().sum())
    cut = 0.0 if n == 0 else (None if with_count == 0 else float(sub["cut"].sum()))
    return {"events": n, "eventsWithCount": with_count, "companies": int(sub["company"].nunique()), "cut": cut}


def partial(start, end, first, last):
    return bool(start <= last and end >= first and (start < first or end > last))


def covered(start, end, first, last):
    return bool(start <= last and end >= first)


def change(cur, prev):
    if cur is None or prev is None or cur["cut"] is None or prev["cut"] is None:
        return None, None
    ch = cur["cut"] - prev["cut"]
    return ch, (None if prev["cut"] == 0 else ch / prev["cut"] * 100)


def yoy_by_state(ev, state, years):
    sub = ev[ev["state"] == state]
    first, last = sub["day"].min(), sub["day"].max()
    rows = []
    for y in years:
        spans = [(pd.Timestamp(year=z, month=1, day=1), pd.Timestamp(year=z, month=12, day=31)) for z in (y, y - 1)]
        cur, prev = [totals(sub[(sub["day"] >= s) & (sub["day"] <= e)]) if covered(s, e, first, last) else None for s, e in spans]
        ch, pct = change(cur, prev)
        rows.append({"year": y, "current": cur, "previous": prev, "change": ch, "pctChange": pct,
                     "partial": partial(*spans[0], first, last), "prevPartial": partial(*spans[1], first, last)})
    return {"state": state, "first": str(first.date()), "last": str(last.date()), "rows": rows}


def ytd_by_state(ev, state, as_of):
    sub = ev[ev["state"] == state]
    first, last = sub["day"].min(), sub["day"].max()
    start, prev_start = pd.Timestamp(year=as_of.year, month=1, day=1), pd.Timestamp(year=as_of.year - 1, month=1, day=1)
    prev_end = as_of.replace(year=as_of.year - 1) if not (as_of.month == 2 and as_of.day == 29) \
        else pd.Timestamp(year=as_of.year - 1, month=2, day=28)
    cur = totals(sub[(sub["day"] >= start) & (sub["day"] <= as_of)]) if covered(start, as_of, first, last) else None
    prev = totals(sub[(sub["day"] >= prev_start) & (sub["day"] <= prev_end)]) if covered(prev_start, prev_end, first, last) else None
    ch, pct = change(cur, prev)
    return {"state": state, "current": cur, "previous": prev, "change": ch, "pctChange": pct,
            "partial": partial(start, as_of, first, last), "prevPartial": partial(prev_start, prev_end, first, last)}


def match_by_year(ev, window=60):
    """Per year of the US events of the layoffs.fyi export: events, and those with a notice of
    the same employer key within `window` days."""
    notices = {}
    for company, filed, d in zip(ev["company"], ev["employer_name"], ev["day"]):
        for k in {key(company), key(filed) if filed else ""} - {""}:
            notices.setdefault(k, []).append(d.toordinal())
    for k in notices:
        notices[k].sort()
    fyi = pd.read_csv(FYI, dtype=str, keep_default_na=False)
    years = {}
    for company, date, country in zip(fyi["company"], fyi["date"], fyi["country"]):
        if country.strip(" \t") != "United States":
            continue
        d = day(date).toordinal()
        days = notices.get(key(company.strip(" \t")), [])
        i = bisect.bisect_left(days, d - window)
        hit = i < len(days) and days[i] <= d + window
        y = day(date).year
        e, m = years.get(y, (0, 0))
        years[y] = (e + 1, m + (1 if hit else 0))
    return [{"year": y, "events": e, "matched": m} for y, (e, m) in sorted(years.items())]


def main():
    if not os.path.isdir(WARN):
        sys.exit(f"missing {WARN}")
    files, df = load()
    valid, excluded, after = kept(df)
    ev = valid[~valid["amendment"]]
    export = ev["seen"].max()
    years = range(ev["day"].min().year, ev["day"].max().year + 1)
    states = sorted(ev["state"].unique())
    out = {
        "meta": {"source": "../shared/datasets/warn/*.csv", "script": "scripts/reference/warn_register_reference.py",
                 "pandas": pd.__version__, "files": len(files)},
        "rowsRead": int(len(df)), "excluded": excluded, "datesAfterFirstSeen": after,
        "amendmentsDropped": int(valid["amendment"].sum()), "events": int(len(ev)),
        "dateFallbacks": int(ev["fell_back"].sum()), "exportDate": str(export.date()),
        "first": str(ev["day"].min().date()), "last": str(ev["day"].max().date()),
        "ytdByState": [ytd_by_state(ev, s, export) for s in states],
        "yoyByState": [yoy_by_state(ev, s, years) for s in states],
        "matchByYear": match_by_year(ev) if os.path.exists(FYI) else None,
    }
    with open(OUT, "w") as fh:
        json.dump(out, fh, separators=(",", ":"), allow_nan=False)
        fh.write("\n")


if __name__ == "__main__":
    main()
