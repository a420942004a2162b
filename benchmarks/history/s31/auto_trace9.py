"""Session 31 (auto31), issue 18: traced runs of the dev conditional problems of probes 1-8 (s30's
auto_trace.py plus probe 8's problems), one problem per call, and the diagnosis variant
tw-default-randstart (AutoSampler whose start-up points are RandomSampler draws instead of Sobol).
Rows as s28's ``trace_runs.py`` writes them (losses, per-trial strategy, params, opt_cpu_ms).

    nice -n 10 .venv/bin/python benchmarks/history/s31/auto_trace9.py OUT.jsonl METHOD PROBLEM SEED [SEED ...]
"""

from __future__ import annotations

import os
import sys
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "s30"))
sys.path.insert(0, os.path.join(HERE, "..", "s28"))
import auto_trace  # noqa: E402, F401  (adds probe 7's problems to trace_runs)
import probe_real_hpo8 as p8  # noqa: E402
import trace_runs as tr  # noqa: E402

_problems = tr.problems
_make_study = tr.make_study


def problems() -> dict[str, Any]:
    out = _problems()
    out.update(p8.PROBLEMS)
    return out


def make_study(method: str, seed: int) -> tuple[Any, Any]:
    if method.startswith("tw-default-randstart"):
        import tunewise as tw

        study, sampler = _make_study("tw-default" + method[len("tw-default-randstart"):], seed)
        sampler._qmc = tw.samplers.RandomSampler(seed=seed)
        return study, sampler
    return _make_study(method, seed)  # type: ignore[no-any-return]


tr.problems = problems
tr.make_study = make_study

if __name__ == "__main__":
    tr.main()
