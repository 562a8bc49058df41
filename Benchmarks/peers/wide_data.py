#!/usr/bin/env python3
"""Writes the wide-design benchmark file: n rows of y, x1, x2, g (50 levels g00..g49),
deterministic (seed 19), shortest round-trip decimals.

    python3 wide_data.py N OUT.csv
"""
import sys

import numpy as np


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    rng = np.random.default_rng(19)
    chunk = 1_000_000
    with open(out, "w") as f:
        f.write("y,x1,x2,g\n")
        for start in range(0, n, chunk):
            m = min(chunk, n - start)
            x1 = rng.normal(size=m)
            x2 = rng.normal(size=m) * 3 + 1
            g = rng.integers(0, 50, size=m)
            y = 1 + 0.5 * x1 - 0.2 * x2 + 0.01 * g + rng.normal(size=m) * (1 + np.abs(x1))
            f.write("".join(f"{float(a)!r},{float(b)!r},{float(c)!r},g{int(d):02d}\n" for a, b, c, d in zip(y, x1, x2, g)))


if __name__ == "__main__":
    main()
