"""Dev tool (issue 19, session 6): paired compute-to-target ratio of method A to method B.

    .venv/bin/python benchmarks/history/curves_issue19/paired.py FILE[,FILE...] "A/B" ["C/D" ...]

Reads curves.py result lines (JSON per line). Per family, the geometric mean over the seeds both
methods ran of ctt(A) / ctt(B) (a seed that never reached the target counts as twice the budget,
as curves.py does); overall, the mean over families of those log ratios with a 95% bootstrap
interval over the seeds, resampled jointly across families (session 10; before: each family's
seeds on their own, which treated the families of one seed as independent).
"""

from __future__ import annotations

import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from curves import seed_cluster_bootstrap  # noqa: E402


def main() -> None:
    rows = [json.loads(line) for path in sys.argv[1].split(",") for line in open(path)]
    ctt = {}
    for r in rows:
        c = r["ctt"]
        ctt[(r["family"], r["method"], r["seed"])] = c if c is not None and math.isfinite(c) else 2 * r["budget"]
    families = sorted({r["family"] for r in rows})
    seeds = sorted({r["seed"] for r in rows})
    rng = np.random.default_rng(0)
    for pair in sys.argv[2:]:
        a, b = pair.split("/")
        per = {f: {s: math.log(ctt[(f, a, s)] / ctt[(f, b, s)]) for s in seeds
                   if (f, a, s) in ctt and (f, b, s) in ctt} for f in families}
        per = {f: v for f, v in per.items() if v}
        # Seeds resampled jointly across families (session 10): curves.py's own bootstrap.
        boots = seed_cluster_bootstrap(list(per.values()), rng, n_boot=2000)
        lo, hi = np.percentile(boots, [2.5, 97.5])
        mean = math.exp(np.mean([np.mean(list(v.values())) for v in per.values()]))
        fams = ", ".join(f"{f} {math.exp(np.mean(list(v.values()))):.2f}" for f, v in per.items())
        print(f"{a} / {b}: {mean:.2f} [{math.exp(lo):.2f}, {math.exp(hi):.2f}]  ({fams})")


if __name__ == "__main__":
    main()
