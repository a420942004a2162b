"""Issue 19, session 21: how much of the 4-worker loss on curves is the compute accounting itself.

    .venv/bin/python benchmarks/history/s21/w4_replay.py OUT.jsonl --split test --seeds 60 \\
        --budget-factor 10 [--method tw-asha-stop] [--workers 4]

For each family and seed, runs ``METHOD`` sequentially (as ``curves.py`` does) and records every
trial's steps in order (cost, noise-free loss, step). It then *replays* those same trials, with the
same lengths and the same prune decisions, on ``--workers`` asynchronous workers: each worker takes
the next trial of the sequential order when it is free, and the worker whose clock is earliest
trains its trial to its next step (``run_tunewise_async``'s event order). Compute to target is
counted as ``curves.py`` counts it: the epochs of all workers, in the order they are trained.

The replay is parallel running with no information lost: every proposal and every rung decision is
the one the sequential run made with all results in hand. What remains of replay ÷ sequential is the
cost of the accounting (the other workers train while the winning trial trains), which no sampler
or scheduler can remove. Writes one JSON line per (family, seed) with ``ctt_seq`` and ``ctt_replay``.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import sys
from typing import Any

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
import curves  # noqa: E402
from _curve_families import DEV_SHAPES, TEST_SHAPES  # noqa: E402


class _Recorder(curves.Tracker):
    """A Tracker that also keeps each trial's steps: ``events[i]`` = [(cost, truth, step), ...]."""

    def __init__(self, b: curves.Bench) -> None:
        super().__init__(b)
        self.events: dict[int, list[tuple[float, float, int]]] = {}

    def add(self, cost: float, truth: float, step: int) -> None:
        super().add(cost, truth, step)
        self.events.setdefault(self.trials, []).append((cost, truth, step))


def replay(b: curves.Bench, trials: list[list[tuple[float, float, int]]], workers: int) -> float:
    """Compute to target when ``trials`` (in order) run on ``workers`` asynchronous workers."""
    queue = list(reversed(trials))
    slots: list[list[tuple[float, float, int]] | None] = [list(queue.pop()) if queue else None for _ in range(workers)]
    clocks = [0.0] * workers
    spent = 0.0
    while any(s for s in slots) and spent < b.compute:
        i = min((j for j in range(workers) if slots[j]), key=lambda j: (clocks[j], j))
        cost, truth, step = slots[i].pop(0)  # type: ignore[union-attr]
        clocks[i] += cost
        spent += cost
        if (not b.full_only or step == b.R) and truth <= b.target:
            return spent
        if not slots[i]:
            slots[i] = list(queue.pop()) if queue else None
    return math.inf


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--split", choices=["dev", "test"], default="test")
    ap.add_argument("--families", nargs="*")
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--budget-factor", type=float, default=10)
    ap.add_argument("--method", default="tw-asha-stop")
    ap.add_argument("--workers", type=int, default=4)
    a = ap.parse_args()
    logging.getLogger("tunewise").setLevel(logging.ERROR)
    fams = a.families or list(DEV_SHAPES if a.split == "dev" else TEST_SHAPES)
    if not a.families and a.split == "test":
        fams = fams + ["mfh6"]
    with open(a.out, "a") as fh:
        for fam in fams:
            for seed in range(a.seeds):
                b = curves.make_bench(fam, seed, a.budget_factor)
                curves.Tracker = _Recorder  # run_tunewise builds its own Tracker: record through it
                try:
                    tr = _run(b, a.method, seed)
                finally:
                    curves.Tracker = _Recorder.__mro__[1]
                trials = [tr.events[k] for k in sorted(tr.events)]
                row: dict[str, Any] = {"family": fam, "split": b.split, "method": a.method, "seed": seed,
                                       "budget": b.compute, "ctt_seq": tr.compute_to_target(),
                                       "ctt_replay": replay(b, trials, a.workers), "ctt_replay1": replay(b, trials, 1),
                                       "workers": a.workers,
                                       "trials": len(trials)}
                fh.write(json.dumps(row) + "\n")
                fh.flush()


def _run(b: curves.Bench, method: str, seed: int) -> _Recorder:
    tr = curves.run_tunewise(b, method, seed)
    assert isinstance(tr, _Recorder)
    return tr


if __name__ == "__main__":
    main()
