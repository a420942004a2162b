"""Dev tool (issue 18, session 7): paired geometric-mean ratio of method B to method A with 4 workers.

    .venv/bin/python benchmarks/history/gp_parallel_s7/paired.py FILE[,FILE...] A B

Reads parallel_efficiency.py / par4.py JSON files; per (function, dimension, seed) cell both
methods ran, the ratio of their regrets; prints the geometric mean with a 95% bootstrap interval,
overall and per dimension.
"""

from __future__ import annotations

import json
import math
import sys

import numpy as np


def boot(logs: list[float], rng: np.random.Generator) -> str:
    x = np.array(logs)
    means = [np.mean(rng.choice(x, len(x))) for _ in range(2000)]
    lo, hi = np.percentile(means, [2.5, 97.5])
    return f"{math.exp(np.mean(x)):.3f} [{math.exp(lo):.3f}, {math.exp(hi):.3f}] n={len(x)}"


def main() -> None:
    results = [r for path in sys.argv[1].split(",") for r in json.load(open(path))["results"]]
    a, b = sys.argv[2], sys.argv[3]
    regret = {(r["method"], r["fid"], r["dim"], r["seed"]): max(r["regret"], 1e-8)
              for r in results if r["workers"] == 4}
    cells = sorted({k[1:] for k in regret if k[0] == a and (b, *k[1:]) in regret})
    rng = np.random.default_rng(0)
    logs = {c: math.log(regret[(b, *c)] / regret[(a, *c)]) for c in cells}
    print(f"{b} / {a}, 4 workers: {boot(list(logs.values()), rng)}")
    for dim in sorted({c[1] for c in cells}):
        print(f"  d = {dim}: {boot([v for c, v in logs.items() if c[1] == dim], rng)}")


if __name__ == "__main__":
    main()
