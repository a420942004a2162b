"""Dev tool (issue 19, session 10): a real curve family's target by the synthetic families' rule.

    nice .venv/bin/python benchmarks/history/curves_issue19/real_target.py FAMILY [N] [-j 2]

Draws N (default 1,000) configurations uniformly from the family's own search space (the space
``curves.make_bench`` gives it; log-uniform where the space says log) with a fixed generator,
trains each to the full budget through the family's own ``advance`` with seed ``i % 20`` (SGD's
shuffles and a network's initialisation depend on the seed, so the errors are pooled over the 20
benchmark seeds), and prints the 5% quantile of the validation errors, in digits of the 540
validation digits too: the rule of ``CurveInstance.target`` (4,000 noise-free configurations
there; a real run costs ~0.1-1 s). Used for sgd-digits (a check: 0.0333, 18 of 540, against its
0.035), mlp-digits (0.0204, 11 of 540: ``MLP_TARGET``) and gb-digits (session 9: 12 of 540,
``GB_TARGET``; then gb_target.py, which drew the same configurations and was merged into this).
"""

from __future__ import annotations

import math
import os
import sys
from multiprocessing import Pool
from typing import Any

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "src"))


def _draw(space: dict[str, tuple[Any, ...]], rng: np.random.Generator) -> dict[str, Any]:
    cfg: dict[str, Any] = {}
    for name, spec in space.items():
        if spec[0] == "float":
            lo, hi, log = spec[1], spec[2], spec[3]
            cfg[name] = float(math.exp(rng.uniform(math.log(lo), math.log(hi)))) if log else float(rng.uniform(lo, hi))
        else:
            cfg[name] = list(spec[1])[int(rng.integers(len(spec[1])))]
    return cfg


def _full_error(arg: tuple[str, int, dict[str, Any]]) -> float:
    import curves

    family, seed, cfg = arg
    b = curves.make_bench(family, seed, 10)
    err, _, _ = b.advance(cfg, 0, b.R, None)
    return float(err)


def main() -> None:
    import curves

    args = list(sys.argv[1:])
    jobs = 1
    if "-j" in args:
        i = args.index("-j")
        jobs = int(args[i + 1])
        del args[i:i + 2]
    family = args[0]
    n = int(args[1]) if len(args) > 1 else 1000
    space = curves.make_bench(family, 0, 10).space
    rng = np.random.default_rng(12345)
    cfgs = [(family, i % 20, _draw(space, rng)) for i in range(n)]
    with Pool(jobs) as pool:
        errs = np.array(pool.map(_full_error, cfgs))
    q = float(np.quantile(errs, 0.05))
    print(f"{family}: {n} random configurations at the full budget: 5% quantile {q:.6f} "
          f"({q * 540:.2f} of 540 digits), median {np.median(errs):.4f}, best {errs.min():.4f}, "
          f"diverged (error > 0.5) {float(np.mean(errs > 0.5)):.3f}")


if __name__ == "__main__":
    main()
