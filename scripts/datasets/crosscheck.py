#!/usr/bin/env python3
"""Cross-check the curated datasets against the reference exports (stdlib only).

Usage:
    python3 scripts/datasets/crosscheck.py [REFERENCE_DIR] [--verbose]

REFERENCE_DIR defaults to ../shared/datasets relative to the repository root and
must hold layoffs-fyi-2020-2026.csv and fortune1000-2023.csv.

Rules (kept deliberately simple; Datasets/README.md documents them and a Swift test
re-implements them):

Format of Datasets/tech-layoffs.csv and Datasets/company-fundamentals.csv
  * UTF-8, LF line endings, final newline, exact headers;
  * events: ISO dates, total_laid_off a non-negative integer or empty,
    percentage_laid_off a fraction in [0, 1] or empty;
  * fundamentals: fiscal_year an integer, employees an integer or empty,
    revenue a number or empty, revenue_growth a number or empty and equal (to 0.1)
    to the growth derived from consecutive revenues when both revenues are present;
  * no line of a curated file is identical to a line of a reference file.

Events: a curated event MATCHES when the layoffs.fyi export has an event of the same
company (names normalised by ``norm``) dated within 14 days and either both counts are
empty or both are present and differ by at most 10 % of the layoffs.fyi count.

Fundamentals: for each company of the fundamentals file that appears in the Fortune
1000 2023 list, the Fortune figures (fiscal 2022) are compared with our row for the
fiscal year that Fortune's footnote names ("Figures are for fiscal year ended Jan. 31,
2023" -> fiscal_year 2023; no footnote -> 2022). Employees must agree within 5 % and
revenue growth within 1 percentage point; a field that is empty on either side is
not compared (reported as such).

Any mismatch must be listed in Datasets/crosscheck-exceptions.csv
(company,date,reason) where date is the event's ISO date, or FY<year> for a
fundamentals row. The script prints a summary and exits 1 when an unlisted mismatch
(or a format error) remains, 0 otherwise. Exceptions that no longer correspond to a
mismatch are reported as stale (warning only).
"""

import csv
import datetime as dt
import os
import re
import sys

EVENT_HEADER = ["company", "location", "total_laid_off", "date", "percentage_laid_off",
                "industry", "source", "stage", "funds_raised", "country", "date_added"]
FUND_HEADER = ["company", "fiscal_year", "employees", "revenue", "revenue_growth", "source"]

DATE_WINDOW_DAYS = 14
COUNT_TOLERANCE = 0.10      # relative to the layoffs.fyi count
EMPLOYEE_TOLERANCE = 0.05   # relative to the Fortune count
GROWTH_TOLERANCE_PP = 1.0   # percentage points

# Words dropped at the end of a name, and explicit aliases applied after that.
SUFFIXES = {"inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "plc",
            "llc", "sa", "se", "nv", "ag", "ab", "holdings", "holding", "group",
            "technologies", "technology", "systems", "platforms", "the"}
ALIASES = {
    "google": "alphabet",
    "coinbase global": "coinbase",
    "peloton interactive": "peloton",
    "zoom video communications": "zoom",
    "walt disney": "disney",
    "international business machines": "ibm",
    "take two interactive software": "take two",
    "take two interactive": "take two",
    "maplebear": "instacart",
    "block formerly square": "block",
    "square": "block",
    "hewlett packard": "hp",
    "advanced micro devices": "amd",
    "salesforce com": "salesforce",
    "ebay": "ebay",
}


def norm(name):
    """Normalise a company name: lowercase, punctuation to spaces, drop legal/generic
    suffix words (SUFFIXES) and a leading "the", then apply ALIASES."""
    s = name.lower().replace("&", " and ")
    s = re.sub(r"\.com\b", "", s)
    s = re.sub(r"[^a-z0-9]+", " ", s).strip()
    words = s.split()
    if words and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and words[-1] in SUFFIXES:
        words = words[:-1]
    s = " ".join(words)
    return ALIASES.get(s, s)


def repo_root():
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def parse_day(text):
    text = text.strip()
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.date.fromisoformat(text)
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if m:
        return dt.date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
    raise ValueError("bad date %r" % text)


def num(text):
    text = text.strip().replace(",", "")
    return float(text) if text else None


def read_csv(path, errors, header=None):
    with open(path, "rb") as fh:
        raw = fh.read()
    if header is not None:  # curated file: strict format checks
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            errors.append("%s: not UTF-8 (%s)" % (path, exc))
        if b"\r" in raw:
            errors.append("%s: CR characters (use LF line endings)" % path)
        if not raw.endswith(b"\n"):
            errors.append("%s: no final newline" % path)
    text = raw.decode("utf-8", errors="replace")
    rows = list(csv.reader(text.splitlines()))
    if header is not None and rows and rows[0] != header:
        errors.append("%s: header %r, expected %r" % (path, rows[0], header))
    head = rows[0]
    out = []
    for i, r in enumerate(rows[1:], start=2):
        if not r:
            continue
        if len(r) != len(head):
            errors.append("%s:%d: %d fields, expected %d" % (path, i, len(r), len(head)))
            continue
        d = dict(zip(head, r))
        d["_line"] = i
        out.append(d)
    return out, text


def check_event_format(ev, errors):
    for e in ev:
        where = "tech-layoffs.csv:%d" % e["_line"]
        if not e["company"].strip():
            errors.append(where + ": empty company")
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", e["date"]):
            errors.append(where + ": date not ISO: %r" % e["date"])
        else:
            try:
                parse_day(e["date"])
            except ValueError:
                errors.append(where + ": invalid date %r" % e["date"])
        if e["date_added"] and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", e["date_added"]):
            errors.append(where + ": date_added not ISO: %r" % e["date_added"])
        if e["total_laid_off"] and not re.fullmatch(r"\d+", e["total_laid_off"]):
            errors.append(where + ": total_laid_off not an integer: %r" % e["total_laid_off"])
        if e["percentage_laid_off"]:
            try:
                f = float(e["percentage_laid_off"])
                if not 0 <= f <= 1:
                    errors.append(where + ": percentage_laid_off outside [0,1]")
            except ValueError:
                errors.append(where + ": percentage_laid_off not a number")
        if e["funds_raised"]:
            try:
                float(e["funds_raised"])
            except ValueError:
                errors.append(where + ": funds_raised not a number")
        if not e["source"].startswith("https://"):
            errors.append(where + ": source is not an https URL")


def check_fund_format(fu, errors):
    by = {}
    for r in fu:
        where = "company-fundamentals.csv:%d" % r["_line"]
        if not re.fullmatch(r"\d{4}", r["fiscal_year"]):
            errors.append(where + ": fiscal_year not a year")
            continue
        if r["employees"] and not re.fullmatch(r"\d+", r["employees"]):
            errors.append(where + ": employees not an integer")
        for k in ("revenue", "revenue_growth"):
            if r[k]:
                try:
                    float(r[k])
                except ValueError:
                    errors.append(where + ": %s not a number" % k)
        if not r["source"].startswith("https://"):
            errors.append(where + ": source is not an https URL")
        key = (r["company"], int(r["fiscal_year"]))
        if key in by:
            errors.append(where + ": duplicate company/fiscal_year")
        by[key] = r
    for (c, y), r in by.items():
        prev = by.get((c, y - 1))
        if prev and prev["revenue"] and r["revenue"] and r["revenue_growth"]:
            derived = (float(r["revenue"]) / float(prev["revenue"]) - 1) * 100
            if abs(derived - float(r["revenue_growth"])) > 0.1 + 1e-9:
                errors.append("company-fundamentals.csv:%d: revenue_growth %s but revenues give %.1f"
                              % (r["_line"], r["revenue_growth"], derived))
    return by


def main(argv):
    verbose = "--verbose" in argv
    args = [a for a in argv if not a.startswith("--")]
    root = repo_root()
    ref = args[0] if args else os.path.join(root, "..", "shared", "datasets")
    ds = os.path.join(root, "Datasets")
    errors = []

    events, ev_text = read_csv(os.path.join(ds, "tech-layoffs.csv"), errors, EVENT_HEADER)
    funds, fu_text = read_csv(os.path.join(ds, "company-fundamentals.csv"), errors, FUND_HEADER)
    exc_rows, _ = read_csv(os.path.join(ds, "crosscheck-exceptions.csv"), errors,
                           ["company", "date", "reason"])
    check_event_format(events, errors)
    fund_by = check_fund_format(funds, errors)
    exceptions = {}
    for x in exc_rows:
        if not x["reason"].strip():
            errors.append("crosscheck-exceptions.csv:%d: empty reason" % x["_line"])
        exceptions[(norm(x["company"]), x["date"].strip())] = x["reason"]

    lf_path = os.path.join(ref, "layoffs-fyi-2020-2026.csv")
    f1_path = os.path.join(ref, "fortune1000-2023.csv")
    if not (os.path.exists(lf_path) and os.path.exists(f1_path)):
        print("reference files not found under %s" % ref)
        for e in errors:
            print("FORMAT ERROR:", e)
        return 1 if errors else 2
    lf, lf_text = read_csv(lf_path, errors)
    f1, f1_text = read_csv(f1_path, errors)

    # No copied lines.
    ref_lines = set(l.strip() for l in lf_text.splitlines() + f1_text.splitlines()
                    if l.strip())
    for name, text in (("tech-layoffs.csv", ev_text), ("company-fundamentals.csv", fu_text)):
        for i, line in enumerate(text.splitlines(), start=1):
            if i > 1 and line.strip() in ref_lines:
                errors.append("%s:%d: identical to a line of the reference files" % (name, i))

    # ---- events ----
    lf_by = {}
    for r in lf:
        try:
            d = parse_day(r["date"])
        except ValueError:
            continue
        if d is None:
            continue
        lf_by.setdefault(norm(r["company"]), []).append((d, num(r["total_laid_off"]), r))

    used_exc = set()
    ev_match = ev_exc = 0
    ev_unlisted = []
    for e in events:
        try:
            d = parse_day(e["date"])
        except ValueError:
            continue
        c = norm(e["company"])
        mine = num(e["total_laid_off"])
        near = [(abs((x[0] - d).days), x) for x in lf_by.get(c, [])
                if abs((x[0] - d).days) <= DATE_WINDOW_DAYS]
        ok = False
        for _, (_, theirs, _) in near:
            if mine is None and theirs is None:
                ok = True
            elif mine is not None and theirs is not None and abs(mine - theirs) <= COUNT_TOLERANCE * theirs:
                ok = True
        if ok:
            ev_match += 1
            continue
        if not near:
            why = "no layoffs.fyi event of %s within %d days" % (e["company"], DATE_WINDOW_DAYS)
        else:
            why = "counts differ: ours %s, layoffs.fyi %s" % (
                e["total_laid_off"] or "empty",
                "/".join("%s on %s" % ("%d" % t if t is not None else "empty", x.isoformat())
                         for _, (x, t, _) in sorted(near, key=lambda z: z[0])))
        key = (c, e["date"])
        if key in exceptions:
            used_exc.add(key)
            ev_exc += 1
            if verbose:
                print("excepted  %-14s %s  %s" % (e["company"], e["date"], why))
        else:
            ev_unlisted.append("%s %s: %s" % (e["company"], e["date"], why))

    # ---- fundamentals vs Fortune 1000 2023 ----
    f1_by = {}
    for r in f1:
        f1_by.setdefault(norm(r["Company"]), r)
    companies = sorted(set(c for c, _ in fund_by))
    fu_checked = fu_match = fu_exc = fu_absent = 0
    fu_unlisted = []
    fu_notes = []
    for comp in companies:
        r = f1_by.get(norm(comp))
        if r is None:
            fu_absent += 1
            continue
        m = re.search(r"fiscal year ended [A-Za-z.]+ \d{1,2}, (\d{4})", r.get("Footnote", ""))
        fy = int(m.group(1)) if m else 2022
        ours = fund_by.get((comp, fy))
        fu_checked += 1
        problems = []
        if ours is None:
            problems.append("no FY%d row" % fy)
        else:
            ce, fe = num(ours["employees"]), num(r["Number_of_employees"])
            if ce is None or fe is None:
                fu_notes.append("%s FY%d: employees not compared (empty)" % (comp, fy))
            elif abs(ce - fe) > EMPLOYEE_TOLERANCE * fe:
                problems.append("employees ours %d, Fortune %d" % (ce, fe))
            cg, fg = num(ours["revenue_growth"]), num(r["RevenuePercentChange"])
            if cg is None or fg is None:
                fu_notes.append("%s FY%d: revenue growth not compared (empty)" % (comp, fy))
            elif abs(cg - fg) > GROWTH_TOLERANCE_PP:
                problems.append("revenue growth ours %.1f%%, Fortune %.1f%%" % (cg, fg))
            cr, fr = num(ours["revenue"]), num(r["Revenues_M"])
            if cr is not None and fr is not None and abs(cr - fr) > 0.02 * fr:
                fu_notes.append("%s FY%d: revenue ours %.0f, Fortune %.0f (info only)" % (comp, fy, cr, fr))
        if not problems:
            fu_match += 1
            continue
        key = (norm(comp), "FY%d" % fy)
        if key in exceptions:
            used_exc.add(key)
            fu_exc += 1
            if verbose:
                print("excepted  %-14s FY%d  %s" % (comp, fy, "; ".join(problems)))
        else:
            fu_unlisted.append("%s FY%d: %s" % (comp, fy, "; ".join(problems)))

    stale = sorted(set(exceptions) - used_exc)

    print("Cross-check against %s" % os.path.normpath(ref))
    print("events: %d curated; %d match layoffs.fyi; %d listed exceptions; %d unlisted mismatches"
          % (len(events), ev_match, ev_exc, len(ev_unlisted)))
    print("fundamentals: %d companies; %d in Fortune 1000 2023 checked; %d match; "
          "%d listed exceptions; %d unlisted mismatches; %d not in Fortune 1000"
          % (len(companies), fu_checked, fu_match, fu_exc, len(fu_unlisted), fu_absent))
    for n in fu_notes:
        if verbose or "info only" in n:
            print("note:", n)
    for s in stale:
        print("WARNING stale exception (no mismatch): %s %s" % s)
    for e in errors:
        print("FORMAT ERROR:", e)
    for u in ev_unlisted + fu_unlisted:
        print("UNLISTED MISMATCH:", u)
    bad = bool(errors or ev_unlisted or fu_unlisted)
    print("RESULT:", "FAIL" if bad else "OK")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
