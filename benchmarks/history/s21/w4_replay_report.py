"""Report for w4_replay.py: per family and overall (mean over families of mean log ratios, 95%
bootstrap over seeds, resampled jointly across families as curves.py does), a seed that never
reaches the target counting as twice the budget.

    .venv/bin/python benchmarks/history/s21/w4_replay_report.py REPLAY.jsonl [ASYNC.jsonl]

With ASYNC.jsonl (curves.py rows with tw-asha-stop and tw-asha-stop@4), the real 4-worker runs are
paired with the same sequential runs, and real ÷ replay is the part of the loss that is information.
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections import defaultdict

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from curves import seed_cluster_bootstrap  # noqa: E402


def pen(c: float | None, budget: float) -> float:
    return c if c is not None and math.isfinite(c) else 2.0 * budget


def summary(name: str, logs: dict[str, dict[int, float]]) -> str:
    fams = sorted(logs)
    boots = seed_cluster_bootstrap([logs[f] for f in fams], np.random.default_rng(0))
    mean = float(np.mean([np.mean(list(logs[f].values())) for f in fams]))
    per = ", ".join(f"{f} {math.exp(np.mean(list(logs[f].values()))):.2f}" for f in fams)
    return (f"{name}: {math.exp(mean):.2f} [{math.exp(np.quantile(boots, 0.025)):.2f}, "
            f"{math.exp(np.quantile(boots, 0.975)):.2f}]  ({per})")


def main() -> None:
    rows = [json.loads(line) for line in open(sys.argv[1])]
    rep: dict[str, dict[int, float]] = defaultdict(dict)
    seq: dict[tuple[str, int], float] = {}
    for r in rows:
        s, p = pen(r["ctt_seq"], r["budget"]), pen(r["ctt_replay"], r["budget"])
        seq[(r["family"], r["seed"])] = s
        rep[r["family"]][r["seed"]] = math.log(p / s)
    print(summary(f"replay on {rows[0]['workers']} workers ÷ sequential ({len(rows)} runs)", rep))
    if len(sys.argv) > 2:
        real: dict[str, dict[int, float]] = defaultdict(dict)
        info: dict[str, dict[int, float]] = defaultdict(dict)
        for r in map(json.loads, open(sys.argv[2])):
            if r["method"] != "tw-asha-stop@4" or (r["family"], r["seed"]) not in seq:
                continue
            s = seq[(r["family"], r["seed"])]
            real[r["family"]][r["seed"]] = math.log(pen(r["ctt"], r["budget"]) / s)
            info[r["family"]][r["seed"]] = real[r["family"]][r["seed"]] - rep[r["family"]][r["seed"]]
        print(summary("real 4 workers ÷ sequential", real))
        print(summary("real 4 workers ÷ replay (information lost)", info))


if __name__ == "__main__":
    main()
