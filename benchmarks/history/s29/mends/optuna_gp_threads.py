"""s29 mends, item 3: why the stored optuna-gp test rows do not reproduce (check_stored_rows.py).

Hypothesis: the stored rows (5 Dec 08:34, ``se_test_d2_d5_b100.json``) were made before d3d0895
(5 Dec 22:13) set torch to one thread in ``sample_efficiency.run_optuna``; torch's default thread
count gives other floating-point sums in the GP fit. This reruns bbob-f4-d2 seed 0 (first
``--trials`` trials) with torch.set_num_threads(1) made a no-op (torch's default threads) and with
it as the harness has it, and compares both with the stored record.

    nice -n 10 .venv/bin/python benchmarks/history/s29/mends/optuna_gp_threads.py
"""

from __future__ import annotations

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, BENCH)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=20)
    args = ap.parse_args()
    import sample_efficiency as se
    import torch

    with open(os.path.join(BENCH, "results", "se_test_d2_d5_b100.json")) as fh:
        stored = next(
            r
            for r in json.load(fh)["results"]
            if r["problem"] == "bbob-f4-d2" and r["method"] == "optuna-gp" and r["seed"] == 0
        )
    want = stored["values"][: args.trials]
    one = torch.set_num_threads
    for label in ("torch default threads", "torch 1 thread (the harness since d3d0895)"):
        torch.set_num_threads = (lambda n: None) if label.startswith("torch default") else one
        if label.startswith("torch 1"):
            one(1)
        print(f"{label}: torch.get_num_threads() before the run = {torch.get_num_threads()}")
        got = se.run_one((se.bbob_problem(4, 2), "optuna-gp", args.trials, 0, "test"))["values"]
        first = next((i for i, (a, b) in enumerate(zip(want, got)) if a != b), None)
        close = all(abs(a - b) <= 1e-9 * max(abs(a), abs(b)) for a, b in zip(want, got))
        print(
            f"  vs stored: {'bit-identical' if first is None else ('within 1e-9' if close else 'differs')}"
            f"{'' if first is None else f' from trial {first}'} ({len(want)} trials)"
        )


if __name__ == "__main__":
    main()
