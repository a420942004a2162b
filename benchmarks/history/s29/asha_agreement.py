"""Issue 19, session 29, step 1 (dev families only): rank agreement between ASHA's rungs and the full
budget on the dev synthetic families, as the scheduler would see it (noisy reports at both levels).

For each dev family and problem seed: N random configurations from SPACE, and the best quarter of
them by final quality (where a search spends its later trials); Spearman's rho of the report at each
rung (1, eta, eta**2, ... below R) against the report at R (both noisy, one draw each, as in
benchmarks/curves.py), and against the noise-free loss at R. Prints one row per family and rung.

    .venv/bin/python benchmarks/history/s29/asha_agreement.py > benchmarks/history/s29/asha_agreement.txt
"""

from __future__ import annotations

import os
import sys

import numpy as np
from scipy.stats import spearmanr

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(HERE, "..", ".."))

from _curve_families import DEV_SHAPES, family_instance, problem_seed  # noqa: E402


def rungs(R: int, eta: int) -> list[int]:
    out, r = [], 1
    while r < R:
        out.append(r)
        r *= eta
    return out


def main(n: int = 300, seeds: range = range(5)) -> None:
    print(
        "| family | R | eta | rung | rho(rung, R report) all | rho top quarter "
        "| rho(rung, R truth) all | rho top quarter |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|--:|")
    for fam, shape in DEV_SHAPES.items():
        R, eta = shape.max_resource, shape.reduction_factor
        acc: dict[int, list[tuple[float, float, float, float]]] = {}
        for s in seeds:
            inst = family_instance(fam, s)
            ps = problem_seed(fam, s)
            rng = np.random.default_rng([ps, 4242])
            cfgs = [
                {"lr": 10 ** rng.uniform(-4, 0), "width": rng.uniform(), "reg": 10 ** rng.uniform(-6, -1)}
                for _ in range(n)
            ]
            truth = np.array([inst.loss(c, R) for c in cfgs])
            top = np.argsort(truth)[: n // 4]

            def obs(c: dict[str, float], t: int, inst: object = inst, ps: int = ps) -> float:
                r = np.random.default_rng([ps, abs(hash((c["lr"], c["width"], c["reg"]))) % (2**31), t])
                return inst.observe(c, t, r)

            final = np.array([obs(c, R) for c in cfgs])
            for r in rungs(R, eta):
                at = np.array([obs(c, r) for c in cfgs])
                acc.setdefault(r, []).append(
                    (
                        spearmanr(at, final)[0],
                        spearmanr(at[top], final[top])[0],
                        spearmanr(at, truth)[0],
                        spearmanr(at[top], truth[top])[0],
                    )
                )
        for r, vals in acc.items():
            m = np.mean(vals, axis=0)
            print(f"| {fam} | {R} | {eta} | {r} | {m[0]:.2f} | {m[1]:.2f} | {m[2]:.2f} | {m[3]:.2f} |")


if __name__ == "__main__":
    main()
