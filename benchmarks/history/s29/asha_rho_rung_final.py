"""Session 29, issue 19, step 1 (dev only): Spearman of a rung's report against the final report and against the
next report, on the runs to max_resource of a method's studies (snapshot as in asha_why.py).

    nice -n 5 .venv/bin/python benchmarks/history/s29/asha_rho_rung_final.py METHOD BUDGET_FACTOR FAMILIES SEEDS
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
for fam in fams:
    res = {}
    for seed in seeds:
        cap = []

        def cs(*a, **k):
            s = orig(*a, **k)
            cap.append(s)  # noqa: B023 (called within the iteration)
            return s

        curves.tw.create_study = cs
        b = curves.make_bench(fam, seed, bf)
        tr = curves.run_tunewise(b, method, b.seed)
        st = cap[0]
        sch = st.scheduler
        rungs = sch.rungs(0)
        trials = [t for t in st.get_trials() if t.intermediate_values and max(t.intermediate_values) >= b.R]
        for r in rungs:
            a = [t.intermediate_values[min(s for s in t.intermediate_values if s >= r)] for t in trials]
            f = [t.intermediate_values[b.R] for t in trials]
            # adjacent report: the next step after the rung
            nx = [t.intermediate_values.get(min(s for s in t.intermediate_values if s >= r) + 1) for t in trials]
            rho = spearmanr(a, f)[0] if len(a) >= 4 else float("nan")
            rn = spearmanr(a, nx)[0] if len(a) >= 4 and all(x is not None for x in nx) else float("nan")
            res.setdefault(r, []).append((rho, rn, len(a)))
    print(
        fam,
        " ".join(
            f"r{r}: rho_final {np.nanmean([x[0] for x in v]):.2f} "
            f"rho_next {np.nanmean([x[1] for x in v]):.2f} n {np.mean([x[2] for x in v]):.0f};"
            for r, v in res.items()
        ),
        flush=True,
    )
