"""Session 30 (auto18), rule auto_decision.txt: probe 8's runs, one process, job by job, appended to
OUT (rows as probe 8's runner writes them). Phase "base": tw-default and optuna-tpe on all 7 problems
x seeds 0-9. Phase "c": candidate C on every (problem, seed) whose default row meets the plateau
signal (2 of the losses i-4..i-1 repeat an earlier loss exactly, some i >= 2), plus the identity runs
(seed 0 of each unconditional problem, the first non-signalling seed of each conditional problem).

    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python benchmarks/history/s30/auto_run_probe8.py base OUT
    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python benchmarks/history/s30/auto_run_probe8.py c OUT
"""

from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import probe_real_hpo8 as p8  # noqa: E402
from auto_report import P8_COND, C, signal_at  # noqa: E402


def main() -> None:
    phase, out = sys.argv[1], sys.argv[2]
    rows = [json.loads(x) for x in open(out)] if os.path.exists(out) else []
    done = {(r["problem"], r["method"], r["seed"]) for r in rows}
    if phase == "base":
        jobs = [(p, m, s) for s in range(10) for p in p8.PROBLEMS for m in ("tw-default", "optuna-tpe")]
    else:
        default = {(r["problem"], r["seed"]): r["losses"] for r in rows if r["method"] == "tw-default"}
        assert len(default) == 70, len(default)
        jobs = [(p, C, s) for (p, s), losses in sorted(default.items()) if signal_at(losses) is not None]
        for p in p8.PROBLEMS:
            quiet = [s for s in range(10) if signal_at(default[(p, s)]) is None]
            ident = 0 if p not in P8_COND else (quiet[0] if quiet else None)
            if ident is not None and (p, C, ident) not in jobs:
                jobs.append((p, C, ident))
    print(len(jobs), "jobs", flush=True)
    for job in jobs:
        if job in done:
            continue
        r = p8.run_one8(job)
        with open(out, "a") as fh:
            fh.write(json.dumps(r) + "\n")
        print(job[0], job[1], job[2], f"{r['wall']:.0f}s", flush=True)


if __name__ == "__main__":
    main()
