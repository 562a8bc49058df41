#!/usr/bin/env python3
"""Runs the model benchmarks (called by run_models.sh): StatKit against its peers on the
same files, the two sides alternated, medians reported, numbers cross-checked.

    python3 models_bench.py --timing BIN --layoffs BIN --data DIR [--rounds R] [--runs K]
                            [--models fe,poisson,negbin] [--r] [--skip-cli]

Library: each round starts one process per side, which reads the file (not timed) and
times the fit K times; the first fit of each process is a warm-up (JIT compilation in
pyfixest's numba kernels, lazy imports in statsmodels, page faults on both sides) and is
left out. The table shows the median of the other fits over all rounds.

Whole process (CLI): `layoffs regress --data FILE ...` against `models_peer.py MODEL
FILE --cli` (pandas.read_csv + fit + coefficient table), each under /usr/bin/time, one
of each per round; the table shows the median wall time and the largest peak RSS.

Cross-check: coefficients and standard errors of the last library run of each side,
the largest relative difference printed; a difference above the model's tolerance
(coefficients 1e-6; standard errors 1e-6, negative binomial against glm.nb only) fails
the run. statsmodels' NegativeBinomial reports standard errors from the joint (β, α)
Hessian, glm.nb and StatKit from the IRLS fit at the estimated θ: those differ by design
and are printed, not checked.
"""
import argparse
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
COUNTS = "y ~ x1 + x2 + x3 + x4 + x5 + offset(log(employees))"
MODELS = {
    "fe": {"file": "panel-1000000.csv", "peer": "pyfixest feols, CRV1 by company",
           "cli": ["--formula", "y ~ x1 + x2 | company + year", "--cluster", "company"]},
    "poisson": {"file": "counts-1000000.csv", "peer": "statsmodels GLM Poisson (IRLS)",
                "cli": ["--formula", COUNTS, "--family", "poisson"]},
    "negbin": {"file": "counts-1000000.csv", "peer": "statsmodels NegativeBinomial (joint ML, Newton)",
               "cli": ["--formula", COUNTS, "--family", "negbin"]},
}


def run(cmd, env=None):
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
    return p.stdout


def parse(out):
    times, coefs, extra = [], {}, {}
    for line in out.splitlines():
        f = line.split()
        if not f:
            continue
        if f[0] == "time_ms":
            times.append(float(f[1]))
        elif f[0] == "coef":
            coefs[f[1]] = (float(f[2]), float(f[3]))
        elif f[0] == "extra":
            extra[f[1]] = f[2]
    return times, coefs, extra


def timed(cmd):
    """Wall seconds and peak RSS (MiB) of a whole process, by GNU time."""
    p = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-2000:]}")
    wall, rss = p.stderr.strip().splitlines()[-1].split()
    return float(wall), int(rss) / 1024


def worst(a, b, which):
    out = 0.0
    for name, (est, se) in a.items():
        if name not in b:
            continue
        x, y = (est, b[name][0]) if which == 0 else (se, b[name][1])
        out = max(out, abs(x - y) / max(abs(y), 1e-300))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--timing", required=True)
    ap.add_argument("--layoffs", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--runs", type=int, default=4)
    ap.add_argument("--models", default="fe,poisson,negbin")
    ap.add_argument("--r", action="store_true", help="also MASS::glm.nb (negbin)")
    ap.add_argument("--skip-cli", action="store_true")
    a = ap.parse_args()
    models = a.models.split(",")
    peer = [a.python, os.path.join(HERE, "models_peer.py")]
    failed = False
    library_rows, cli_rows, check_rows = [], [], []
    for m in models:
        spec = MODELS[m]
        path = os.path.join(a.data, spec["file"])
        sides = {"StatKit": [a.timing, m, path, str(a.runs)], spec["peer"]: peer + [m, path, str(a.runs)]}
        if m == "negbin" and a.r:
            sides["R MASS::glm.nb"] = ["Rscript", os.path.join(HERE, "models_glmnb.R"), path, str(a.runs)]
        times = {k: [] for k in sides}
        last = {}
        for r in range(a.rounds):
            for k, cmd in sides.items():
                t, c, e = parse(run(cmd))
                times[k] += t[1:]
                last[k] = (c, e)
                print(f"  {m} round {r + 1} {k}: {', '.join(f'{x:.0f}' for x in t)} ms  (load {os.getloadavg()[0]:.1f})",
                      file=sys.stderr)
        ours = statistics.median(times["StatKit"])
        for k in sides:
            if k == "StatKit":
                continue
            theirs = statistics.median(times[k])
            library_rows.append((m, k, ours, theirs))
            cb, sb = worst(last["StatKit"][0], last[k][0], 0), worst(last["StatKit"][0], last[k][0], 1)
            checked_se = m != "negbin" or k.startswith("R ")
            ok = cb <= 1e-6 and (sb <= 1e-6 or not checked_se)
            failed |= not ok
            extra = ""
            if "theta" in last[k][1]:
                ta, tb = float(last["StatKit"][1]["theta"]), float(last[k][1]["theta"])
                extra = f"θ {ta:.10g} vs {tb:.10g}"
            check_rows.append((m, k, cb, sb, "checked" if checked_se else "not compared (other estimator)", extra, ok))
        if a.skip_cli:
            continue
        ours_cli, peer_cli = [], []
        cmd_ours = [a.layoffs, "regress", "--data", path] + spec["cli"]
        cmd_peer = peer + [m, path, "--cli"]
        for r in range(a.rounds):
            ours_cli.append(timed(cmd_ours))
            peer_cli.append(timed(cmd_peer))
            print(f"  {m} CLI round {r + 1}: layoffs {ours_cli[-1][0]:.2f} s, peer {peer_cli[-1][0]:.2f} s", file=sys.stderr)
        cli_rows.append((m, spec["peer"], statistics.median(x[0] for x in ours_cli), max(x[1] for x in ours_cli),
                         statistics.median(x[0] for x in peer_cli), max(x[1] for x in peer_cli)))

    print(f"\nmachine: {os.cpu_count()} cores, load average now {os.getloadavg()[0]:.1f} / {os.getloadavg()[1]:.1f} / {os.getloadavg()[2]:.1f}")
    print(f"library fit (data in memory), median of {a.rounds} rounds × {a.runs - 1} timed fits per side:\n")
    print("| model | peer | StatKit | peer | ratio |")
    print("|---|---|---:|---:|---:|")
    for m, k, ours, theirs in library_rows:
        print(f"| {m} | {k} | {ours / 1e3:.3f} s | {theirs / 1e3:.3f} s | {ours / theirs:.2f} |")
    if cli_rows:
        print(f"\nwhole process (read CSV + fit + table), median wall of {a.rounds}, largest peak RSS:\n")
        print("| model | peer | layoffs regress | peer (pandas.read_csv + fit) | ratio |")
        print("|---|---|---:|---:|---:|")
        for m, k, ow, orss, pw, prss in cli_rows:
            print(f"| {m} | {k} | {ow:.2f} s, {orss:.0f} MiB | {pw:.2f} s, {prss:.0f} MiB | {ow / pw:.2f} |")
    print("\nagreement (largest relative difference over the coefficients):\n")
    print("| model | peer | estimates | standard errors | |")
    print("|---|---|---:|---:|---|")
    for m, k, cb, sb, note, extra, ok in check_rows:
        print(f"| {m} | {k} | {cb:.1e} | {sb:.1e} ({note}) | {extra}{'' if ok else ' **FAILED**'} |")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
