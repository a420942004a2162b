"""Dev tool (issue 18, session 16): paired regret ratios of HPO runs of sample_efficiency.py.

    .venv/bin/python benchmarks/history/s16/hpo_pairs.py FILE[,FILE] BASE_METHOD

Regret = clean loss - the best clean loss any stored run reached on that task (these files and
the stored HPO results), floor 1e-3, as sample_efficiency.py; every method against BASE_METHOD,
cell by cell (task, seed), at 20 / 30 / 60 trials, 95% bootstrap interval, and per task.
"""

from __future__ import annotations

import collections
import json
import math
import os
import sys

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")
REFS = ("benchmarks/history/s13/se_dev_hpo_condgp.json", "benchmarks/results/se_dev_hpo18_synth.json",
        "benchmarks/results/se_test_hpo18_digits.json")
BUDGETS = (20, 30, 60)


def main() -> None:
    files, base = sys.argv[1].split(","), sys.argv[2]
    best: dict[str, float] = collections.defaultdict(lambda: math.inf)
    runs: dict[str, dict[tuple[str, int], list[float]]] = collections.defaultdict(dict)
    for path in files + [os.path.join(ROOT, p) for p in REFS]:
        for r in json.load(open(path))["results"]:
            if r["kind"] != "hpo" or not r["trace"]:
                continue
            best[r["problem"]] = min(best[r["problem"]], min(r["trace"]))
            if path in files:
                runs[r["method"]][(r["problem"], r["seed"])] = r["trace"]

    def log_ratio(cells: dict[tuple[str, int], list[float]], k: tuple[str, int], b: int) -> float:
        ref = best[k[0]]
        return math.log(max(cells[k][b - 1] - ref, 1e-3) / max(runs[base][k][b - 1] - ref, 1e-3))

    rng = np.random.default_rng(0)
    for method, cells in runs.items():
        if method == base:
            continue
        keys = [k for k in cells if k in runs[base]]
        out = [f"{method} / {base} ({len(keys)})"]
        for b in BUDGETS:
            lr = np.array([log_ratio(cells, k, b) for k in keys])
            boots = lr[rng.integers(0, len(lr), (2000, len(lr)))].mean(axis=1)
            lo, hi = np.exp(np.quantile(boots, [0.025, 0.975]))
            out.append(f"@{b} {math.exp(lr.mean()):.2f} [{lo:.2f}, {hi:.2f}]")
        print("  ".join(out))
        for task in sorted({k[0] for k in keys}):
            kt = [k for k in keys if k[0] == task]
            print("    ", task, "  ".join(
                f"@{b} {math.exp(np.mean([log_ratio(cells, k, b) for k in kt])):.2f}" for b in BUDGETS))


if __name__ == "__main__":
    main()
