"""Session 33 (auto33), issue 18: traced runs of the dev conditional problems (probes 1-10; probe 10
is dev data since session 33) with s32's harness ``../s32/auto_trace32.py`` (losses, per-trial
strategy, params, opt_cpu_ms, repeats; the per-process memo of repeated configurations: a repeat is
answered with the first fit's value, no CPU). Nothing is replayed. Seed-major, appended to OUT as
runs finish (rows already in OUT are skipped). The strategy per trial is recorded as the
AutoSampler's choice, with "GPSampler/branch" where the branch-wise GP proposed.

    OMP_NUM_THREADS=1 nice -n 19 .venv/bin/python benchmarks/history/s33/auto_trace33.py OUT.jsonl \\
        METHOD[,METHOD] PROBLEM[,PROBLEM] SEEDS      (SEEDS: 10-19 or 10,11)
"""

from __future__ import annotations

import os
import sys
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "s32"))
import auto_trace32 as a32  # noqa: E402
import probe_real_hpo10 as p10  # noqa: E402

_problems = a32._problems


def _all_problems() -> dict[str, Any]:
    out = _problems()
    out.update(p10.PROBLEMS)  # probe 10 is dev data since session 33
    return out


a32.tr.problems = _all_problems
_make_study = a32.tr.make_study


def _make(method: str, seed: int) -> tuple[Any, Any]:
    study, auto = _make_study(method, seed)
    if auto is None:
        return study, None

    class Choice:  # the AutoSampler's choice, naming the branch-wise GP's proposals
        @property
        def choice(self) -> dict[str, str] | None:
            c = auto.choice
            if c is not None and c["sampler"] == "GPSampler" and "branch" in c["reason"]:
                return {"sampler": "GPSampler/branch", "reason": c["reason"]}
            return c

    return study, Choice()


a32.tr.make_study = _make

if __name__ == "__main__":
    a32.main()
