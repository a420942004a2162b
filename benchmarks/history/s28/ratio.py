"""Paired compute-to-target ratios (issue 19) of curve-runner rows from several files, per family
and overall (geometric mean over families of per-family paired geometric means; 95% bootstrap over
seeds, resampled jointly across families, as benchmarks/history/curves_issue19/paired.py).
Method names are matched after normalising s27's "+_adaptive=True" to "+_bw=A".

    .venv/bin/python benchmarks/history/s28/ratio.py FILE[,FILE...] "A/B" [...] [--seeds LO-HI]
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
    args = sys.argv[1:]
    lo, hi = 0, 10**9
    if "--seeds" in args:
        i = args.index("--seeds")
        lo, hi = (int(x) for x in args[i + 1].split("-"))
        del args[i:i + 2]
    ctt: dict[tuple[str, str, int], float] = {}
    for path in args[0].split(","):
        for line in open(path):
            r = json.loads(line)
            if not lo <= r["seed"] <= hi:
                continue
            m = r["method"].replace("+_adaptive=True", "+_bw=A")
            c = r["ctt"]
            ctt[(r["family"], m, r["seed"])] = c if c is not None and math.isfinite(c) else 2 * r["budget"]
    families = sorted({k[0] for k in ctt})
    seeds = sorted({k[2] for k in ctt})
    rng = np.random.default_rng(0)
    for pair in args[1:]:
        a, b = pair.split("/")
        per = {f: {s: math.log(ctt[(f, a, s)] / ctt[(f, b, s)]) for s in seeds
                   if (f, a, s) in ctt and (f, b, s) in ctt} for f in families}
        per = {f: v for f, v in per.items() if v}
        if not per:
            print(f"{pair}: no paired rows")
            continue
        boots = seed_cluster_bootstrap(list(per.values()), rng, n_boot=2000)
        est = float(np.mean([np.mean(list(v.values())) for v in per.values()]))
        ci = np.exp(np.quantile(boots, [0.025, 0.975]))
        fam = " ".join(f"{f}={math.exp(np.mean(list(v.values()))):.2f}" for f, v in per.items())
        n = sorted({len(v) for v in per.values()})
        worst = max(per, key=lambda f: np.mean(list(per[f].values())))
        print(f"{pair}: {math.exp(est):.3f} [{ci[0]:.3f}, {ci[1]:.3f}] ({len(per)} families, seeds/family {n}; "
              f"worst {worst} {math.exp(np.mean(list(per[worst].values()))):.2f})\n    {fam}")


if __name__ == "__main__":
    main()
