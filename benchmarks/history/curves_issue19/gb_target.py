"""Dev tool (issue 19, session 9): gb-digits' target by the rule of the synthetic families.

    nice .venv/bin/python benchmarks/history/curves_issue19/gb_target.py [N] [-j 2]

Draws N (default 200) configurations uniformly from gb-digits' space (log learning rate, leaves,
log L2) with a fixed generator, trains each to the full budget (R = 27 units, 54 boosting
iterations) through the family's own ``advance``, and prints the 5% quantile of their validation
errors: the rule every synthetic family's target follows (``CurveInstance.target``, there on 4,000
noise-free configurations; a full gb-digits run costs seconds, hence fewer). The errors do not
depend on the seed (no subsampling, no early stopping), so the target is one number.
"""

from __future__ import annotations

import os
import sys
from multiprocessing import Pool

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "src"))


def _full_error(cfg: dict[str, float]) -> float:
    import curves

    b = curves.make_bench("gb-digits", 0, 10)
    err, _, _ = b.advance(cfg, 0, b.R, None)
    return float(err)


def main() -> None:
    args = [a for a in sys.argv[1:]]
    jobs = 1
    if "-j" in args:
        i = args.index("-j")
        jobs = int(args[i + 1])
        del args[i:i + 2]
    n = int(args[0]) if args else 200
    rng = np.random.default_rng(12345)
    cfgs = [{"learning_rate": float(10 ** rng.uniform(-2.5, 0.0)), "max_leaf_nodes": float(rng.uniform(4.0, 64.0)),
             "l2": float(10 ** rng.uniform(-6.0, 1.0))} for _ in range(n)]
    with Pool(jobs) as pool:
        errs = np.array(pool.map(_full_error, cfgs))
    q = float(np.quantile(errs, 0.05))
    print(f"{n} random configurations at the full budget: 5% quantile {q:.6f} ({q * 540:.2f} of 540 digits), "
          f"median {np.median(errs):.4f}, best {errs.min():.4f}")


if __name__ == "__main__":
    main()
