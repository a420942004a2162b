"""Dev tool (issue 18, session 15): paired regret ratios of par.py traces, 95% bootstrap.

    .venv/bin/python benchmarks/history/s15/pairs.py FILE... [--base METHOD@WORKERS]

Every (method, workers) group against the base group (default ``tw-auto@1``, the sequential
default), cell by cell (function, dimension, seed), at budgets 20 / 30 / 40 / 60, with a line per
dimension. ``--base tw-auto@4`` compares the 4-worker variants with the 4-worker default.
"""

from __future__ import annotations

import argparse
import collections
import json
import math

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+")
    ap.add_argument("--base", default="tw-auto@1")
    a = ap.parse_args()
    groups: dict[tuple[str, int], dict[tuple[int, int, int], list[float]]] = collections.defaultdict(dict)
    for path in a.files:
        for line in open(path):
            r = json.loads(line)
            groups[(r["method"], r["workers"])][(r["fid"], r["dim"], r["seed"])] = r["trace"]
    name, _, k = a.base.rpartition("@")
    base = groups[(name, int(k))]
    rng = np.random.default_rng(0)
    for (method, workers), cells in sorted(groups.items()):
        if (method, workers) == (name, int(k)):
            continue
        keys = [c for c in cells if c in base]
        if not keys:
            continue
        out = [f"{method}@{workers} ÷ {a.base}, {len(keys)} cells:"]
        for b in (20, 30, 40, 60):
            lr = np.array([math.log(cells[c][b - 1] / base[c][b - 1]) for c in keys])
            boots = lr[rng.integers(0, len(lr), (2000, len(lr)))].mean(axis=1)
            out.append(f"@{b} {math.exp(lr.mean()):.2f} [{math.exp(np.quantile(boots, 0.025)):.2f}, "
                       f"{math.exp(np.quantile(boots, 0.975)):.2f}]")
        print("  ".join(out))
        for d in sorted({c[1] for c in keys}):
            kd = [c for c in keys if c[1] == d]
            print(f"    d = {d}: " + "  ".join(
                f"@{b} {math.exp(np.mean([math.log(cells[c][b - 1] / base[c][b - 1]) for c in kd])):.2f}"
                for b in (20, 30, 40, 60)))


if __name__ == "__main__":
    main()
