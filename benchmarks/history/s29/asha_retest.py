"""Session 29, issue 19, step 1 (dev only): candidate A's statistic (mean Spearman of consecutive late reports over
the runs to max_resource) at the end of a method's studies, on the first 6 runs and on all (snapshot as in asha_why.py).

    nice -n 5 .venv/bin/python benchmarks/history/s29/asha_retest.py METHOD BUDGET_FACTOR FAMILIES SEEDS
"""

import sys

sys.path.insert(0, "/tmp/s29_asha/snap/benchmarks")
import logging

import curves
import numpy as np
from scipy.stats import spearmanr

import tunewise as tw

logging.getLogger("tunewise").setLevel(logging.ERROR)
method, bf = sys.argv[1], float(sys.argv[2])
fams = sys.argv[3].split(",")
seeds = [int(x) for x in sys.argv[4].split(",")]
orig = tw.create_study


def stat(trials, R, npairs=4, first=None):
    full = [t.intermediate_values for t in trials if t.intermediate_values and max(t.intermediate_values) >= R]
    if first:
        full = full[:first]
    if len(full) < 4:
        return float("nan"), len(full)
    steps = sorted(set.intersection(*[set(v) for v in full]))
    steps = [s for s in steps if s >= R / 2]
    pairs = list(zip(steps[:-1], steps[1:]))[-npairs:]
    if not pairs:
        return float("nan"), len(full)
    return float(np.mean([spearmanr([v[a] for v in full], [v[b] for v in full])[0] for a, b in pairs])), len(full)


for fam in fams:
    out = []
    for seed in seeds:
        cap = []

        def cs(*a, **k):
            s = orig(*a, **k)
            cap.append(s)  # noqa: B023 (called within the iteration)
            return s

        curves.tw.create_study = cs
        b = curves.make_bench(fam, seed, bf)
        tr = curves.run_tunewise(b, method, b.seed)
        tl = cap[0].get_trials()
        out.append((stat(tl, b.R, first=6)[0], *stat(tl, b.R)))
    print(
        fam,
        bf,
        "first6: " + " ".join(f"{x[0]:.2f}" for x in out),
        "| all: " + " ".join(f"{x[1]:.2f}({x[2]})" for x in out),
        flush=True,
    )
