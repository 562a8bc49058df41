#!/usr/bin/env python3
"""Writes Datasets/warn-notices.csv, the embedded WARN subset, from the WARN Notice
Register's per-state export (one CSV per state, 45 columns).

    python3 scripts/datasets/make_warn_subset.py ../shared/datasets/warn

Selection, in this order (the counts are printed and stated in Datasets/README.md):
1. notices dated 2018-01-01 or later by their notice date, or by their effective date
   where the notice date is empty (how `layoffs` dates them by default);
2. notices whose notice date is after the day the compiler first saw them (`first_seen`;
   swapped dates) are left out, so that the default data loads without --skip-invalid;
3. only the columns the analyses read are kept (COLUMNS), values byte for byte.
Rows keep the export's order: states alphabetically, then as the export lists them.
"""
import csv, io, pathlib, sys

COLUMNS = ["state", "employer_name", "canonical_name", "industry", "naics", "county_name", "location",
           "notice_date", "effective_date", "employees_affected", "layoff_type", "is_temporary",
           "is_amendment", "dedupe_key", "first_seen"]
FIRST_DAY = "2018-01-01"

source = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/datasets/warn")
root = pathlib.Path(__file__).resolve().parents[2]
read = earlier = swapped = kept = 0
out = io.StringIO()
writer = csv.writer(out, lineterminator="\n")
writer.writerow(COLUMNS)
for path in sorted(source.glob("*.csv")):
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            read += 1
            day = row["notice_date"] or row["effective_date"]
            if day < FIRST_DAY:
                earlier += 1
                continue
            if row["notice_date"] and row["first_seen"] and row["notice_date"] > row["first_seen"]:
                swapped += 1
                continue
            kept += 1
            writer.writerow([row[c] for c in COLUMNS])
target = root / "Datasets" / "warn-notices.csv"
target.write_text(out.getvalue(), encoding="utf-8")
print(f"read {read} notices; left out {earlier} dated before {FIRST_DAY} (or undated), "
      f"{swapped} dated after first_seen; wrote {kept} rows, {target.stat().st_size} bytes to {target}")
