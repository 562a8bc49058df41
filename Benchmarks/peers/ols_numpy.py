#!/usr/bin/env python3
"""numpy.linalg.lstsq on the benchmark matrix (same generator and seed as
Sources/BenchmarkSupport/OLSData.swift), best of N runs.

    python3 peers/ols_numpy.py [n] [runs]
"""
import sys
import time

import numpy as np

SEED = np.uint64(20261126)
GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def mix(z):
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def uniforms(stream, n):
    k = np.arange(stream * n + 1, stream * n + n + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        return (mix(SEED + k * GOLDEN) >> np.uint64(11)).astype(np.float64) * 2.0 ** -53


def make(n):
    u = [2 * uniforms(s, n) - 1 for s in range(5)]
    X = np.column_stack([np.ones(n)] + u[:4])
    y = 1 + 2 * u[0] - u[1] + 0.5 * u[2] + (u[4] / 2) * (1 + np.abs(u[0]))
    return np.asfortranarray(X), y


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    X, y = make(n)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        beta, *_ = np.linalg.lstsq(X, y, rcond=None)
        times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    print(f"numpy.linalg.lstsq n={n} p=5: best {times[0]:.1f} ms, median {times[len(times) // 2]:.1f} ms ({runs} runs)")
    print("coefficients:", list(beta))
    print("numpy", np.__version__)


if __name__ == "__main__":
    main()
