#!/usr/bin/env python3
"""Reference values for fixed-effects models (Tests/StatKitTests/FixedEffectsReferenceTests.swift),
from pyfixest 0.60's `feols` and `fepois` with their defaults (singletons dropped; fixest's
small-sample corrections).

Reads Tests/StatKitTests/Reference/glm.csv (scripts/reference/glm_reference.R) and writes
fixed-effects.csv: those rows plus four firms seen once (singletons) and one firm whose
cuts are all zero (separated in the Poisson model); and fixed-effects.json with the
coefficients, standard errors (iid, CRV1 by firm, CRV1 by firm and year), the number of
observations used and the degrees of freedom of t.

    /tmp/venv-ref/bin/python scripts/reference/fixed_effects_reference.py
"""
import json
import os

import numpy as np
import pandas as pd
import pyfixest as pf

HERE = os.path.dirname(os.path.abspath(__file__))
REF = os.path.join(HERE, "..", "..", "Tests", "StatKitTests", "Reference")
d = pd.read_csv(os.path.join(REF, "glm.csv"))
extra = [("S001", 2016, "Media", 1200, 3.0, 14, 1), ("S002", 2018, "Retail", 800, -2.0, 0, 0),
         ("S003", 2020, "Finance", 5000, 7.5, 40, 1), ("S004", 2022, "Software", 300, 1.0, 3, 1)]
extra += [("Z001", y, "Media", 900, 2.0, 0, 0) for y in range(2015, 2021)]
d = pd.concat([d, pd.DataFrame(extra, columns=d.columns)], ignore_index=True)
d.to_csv(os.path.join(REF, "fixed-effects.csv"), index=False)
d = pd.read_csv(os.path.join(REF, "fixed-effects.csv"))
d["ly"] = np.log1p(d.cut)
d["le"] = np.log(d.employees)

fits = []
def record(label, fit, names):
    return {"label": label, "names": names, "coefficients": fit.coef().tolist(), "se": fit.se().tolist(),
            "n": int(fit._N), "df_t": int(fit._df_t)}

for vcov, tag in [("iid", "iid"), ({"CRV1": "firm"}, "firm"), ({"CRV1": "firm+year"}, "firm+year")]:
    fits.append(record(f"feols {tag}", pf.feols("ly ~ growth + le | firm + year", data=d, vcov=vcov),
                       ["growth", "log(employees)"]))
for vcov, tag in [("iid", "iid"), ({"CRV1": "firm"}, "firm")]:
    fits.append(record(f"fepois {tag}", pf.fepois("cut ~ growth + le | firm + year", data=d, vcov=vcov),
                       ["growth", "log(employees)"]))
json.dump({"generator": "scripts/reference/fixed_effects_reference.py", "pyfixest": pf.__version__, "fits": fits},
          open(os.path.join(REF, "fixed-effects.json"), "w"), indent=1)
print({f["label"]: (f["n"], f["df_t"]) for f in fits})
