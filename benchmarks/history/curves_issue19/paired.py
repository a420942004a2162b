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
import sys

import numpy as np


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
        per = {f: [math.log(ctt[(f, a, s)] / ctt[(f, b, s)]) for s in seeds if (f, a, s) in ctt and (f, b, s) in ctt]
               for f in families}
        per = {f: v for f, v in per.items() if v}
        # Seeds resampled jointly across families (session 10): a seed fixes the synthetic
        # optimum and the samplers' random streams in every family alike.
        by_seed = {f: {s: math.log(ctt[(f, a, s)] / ctt[(f, b, s)]) for s in seeds
                       if (f, a, s) in ctt and (f, b, s) in ctt} for f in per}
        boots = []
        for _ in range(2000):
            draw = rng.choice(seeds, len(seeds))
            boots.append(np.mean([np.mean([v[s] for s in draw if s in v] or list(v.values()))
                                  for v in by_seed.values()]))
        lo, hi = np.percentile(boots, [2.5, 97.5])
        mean = math.exp(np.mean([np.mean(v) for v in per.values()]))
        fams = ", ".join(f"{f} {math.exp(np.mean(v)):.2f}" for f, v in per.items())
        print(f"{a} / {b}: {mean:.2f} [{math.exp(lo):.2f}, {math.exp(hi):.2f}]  ({fams})")


if __name__ == "__main__":
    main()
