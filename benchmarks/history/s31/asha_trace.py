"""Session 31, issue 19 (dev only): where the compute of a tunewise run of benchmarks/curves.py goes,
trial by trial (last epoch, why it stopped, noise-free final loss), with the rung verdicts at the
end of the run; and a summary of the Hyper-Tune traces written by asha_ht_trace.py.

  .venv/bin/python benchmarks/history/s31/asha_trace.py run <family> <first seed> <seeds> <method> <out.jsonl>
  .venv/bin/python benchmarks/history/s31/asha_trace.py summary <traces.jsonl> [<traces.jsonl> ...]
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections import Counter
from typing import Any

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))  # benchmarks/


def run(family: str, first: int, n: int, method: str, out: str) -> None:
    import curves
    from _curve_families import family_instance

    import tunewise as tw

    logging.getLogger("tunewise").setLevel(logging.ERROR)
    captured: dict[str, Any] = {}
    create = tw.create_study

    def capture(*a: Any, **k: Any) -> Any:
        captured["study"] = study = create(*a, **k)
        return study

    curves.tw.create_study = capture
    for seed in range(first, first + n):
        b = curves.make_bench(family, seed, 10.0)
        tr = curves.run_tunewise(b, method, b.seed)
        study = captured["study"]
        sched = study.scheduler
        inst = family_instance(family, seed)
        trials = []
        for t in study.get_trials():
            if not t.intermediate_values:
                continue
            a = t.system_attrs.get("asha", {})
            last = max(t.intermediate_values)
            why = "full" if last >= b.R else "budget" if t.state.name == "FAIL" else (
                "forecast" if "forecast" in a else "cut")
            trials.append([last, inst.loss(t.params, last), why, inst.loss(t.params, b.R)])
        rec = {"family": family, "seed": seed, "method": method, "ctt": tr.compute_to_target(),
               "target": b.target, "trials": trials,
               "recall": sched.rung_recall(study) if sched is not None else None}
        with open(out, "a") as fh:
            fh.write(json.dumps(rec) + "\n")
        print(seed, rec["ctt"], len(trials), flush=True)


def summary(paths: list[str]) -> None:
    for path in paths:
        rows = [json.loads(line) for line in open(path) if line.strip()]
        if not rows:
            continue
        stops: Counter[int] = Counter()
        spent: Counter[int] = Counter()
        n_trials = []
        for r in rows:
            n_trials.append(len(r["trials"]))
            for tr in r["trials"]:
                stops[int(tr[0])] += 1
                spent[int(tr[0])] += int(tr[0])
        tot = sum(spent.values())
        print(f"{path}: {len(rows)} runs, trials per run {np.mean(n_trials):.1f}")
        for lvl in sorted(stops):
            if stops[lvl] >= len(rows) * 0.2 or spent[lvl] > 0.02 * tot:
                print(f"  last epoch {lvl:3d}: {stops[lvl] / len(rows):5.2f} trials/run, "
                      f"{spent[lvl] / tot:5.1%} of epochs")


if __name__ == "__main__":
    if sys.argv[1] == "run":
        run(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6])
    else:
        summary(sys.argv[2:])
