"""Session 31, issue 19 (dev only): Syne Tune Hyper-Tune runs of benchmarks/curves_peers.py, the same
rows (curves_peers.run_one, unchanged) plus where each trial stopped (its last epoch), so that the
compute of Hyper-Tune and of the default can be compared rung by rung.

  /work/venvs/synetune013/bin/python benchmarks/history/s31/asha_ht_trace.py <family> <first seed> <seeds> <out prefix>

writes <out prefix>.jsonl (the curves_peers rows) and <out prefix>_trials.jsonl (per run: the last
epoch and noise-free final loss at that epoch of every trial, in order). With one worker and the
stopping type, trials run one after another, so a trial starts where a report's step equals its
cost (its first report).
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))  # benchmarks/

import curves_peers  # noqa: E402


class TracedTracker(curves_peers.Tracker):  # type: ignore[misc,name-defined]
    runs: list[list[list[float]]] = []

    def __init__(self, b: Any) -> None:
        super().__init__(b)
        self.per_trial: list[list[float]] = []  # [last step, noise-free loss there]
        TracedTracker.runs.append(self.per_trial)

    def add(self, cost: float, truth: float, step: int) -> None:
        if step == cost or not self.per_trial:
            self.per_trial.append([step, truth])
        else:
            self.per_trial[-1] = [step, truth]
        super().add(cost, truth, step)


def main() -> None:
    family, first, n, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    curves_peers.Tracker = TracedTracker
    for seed in range(first, first + n):
        TracedTracker.runs.clear()
        rows = curves_peers.run_one((family, "st-hypertune", seed, 10.0))
        with open(out + ".jsonl", "a") as fh:
            for r in rows:
                fh.write(json.dumps(r) + "\n")
        with open(out + "_trials.jsonl", "a") as fh:
            fh.write(json.dumps({"family": family, "seed": seed, "trials": TracedTracker.runs[-1]}) + "\n")
        print(seed, rows[0]["ctt"], rows[0]["trials"], flush=True)


if __name__ == "__main__":
    main()
