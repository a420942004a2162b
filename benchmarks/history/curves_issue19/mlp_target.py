"""Dev tool (issue 19, session 10): mlp-digits' target by the rule of the synthetic families.

    nice .venv/bin/python benchmarks/history/curves_issue19/mlp_target.py [N] [-j 2]

As gb_target.py for the dev real family: N (default 1000) configurations drawn uniformly from
mlp-digits' space (log lr, log hidden width, log weight decay) with a fixed generator, each trained to the full
budget (R = 27 epochs) through the family's own ``advance`` with seed ``i % 20`` (initialisation and
shuffles depend on the seed, so the errors are pooled over the 20 benchmark seeds), and the 5% quantile of
their validation errors printed.
"""

from __future__ import annotations

import os
import sys
from multiprocessing import Pool

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "src"))


def _full_error(arg: tuple[int, dict[str, object]]) -> float:
    import curves

    seed, cfg = arg
    b = curves.make_bench("mlp-digits", seed, 10)
    err, _, _ = b.advance(cfg, 0, b.R, None)
    return float(err)


def main() -> None:
    args = list(sys.argv[1:])
    jobs = 1
    if "-j" in args:
        i = args.index("-j")
        jobs = int(args[i + 1])
        del args[i:i + 2]
    n = int(args[0]) if args else 1000
    rng = np.random.default_rng(12345)
    cfgs = [(i % 20, {"lr": float(10 ** rng.uniform(-4.0, 0.0)), "hidden": float(2 ** rng.uniform(3.0, 8.0)),
                      "weight_decay": float(10 ** rng.uniform(-6.0, -1.0))}) for i in range(n)]
    with Pool(jobs) as pool:
        errs = np.array(pool.map(_full_error, cfgs))
    q = float(np.quantile(errs, 0.05))
    print(f"{n} random configurations at the full budget: 5% quantile {q:.6f} ({q * 540:.2f} of 540 digits), "
          f"median {np.median(errs):.4f}, best {errs.min():.4f}, share diverged (error > 0.5): "
          f"{float(np.mean(errs > 0.5)):.3f}")


if __name__ == "__main__":
    main()
