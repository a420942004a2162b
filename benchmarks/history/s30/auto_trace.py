"""Session 30 (auto18), issue 18: traced runs of the dev conditional problems (probes 1-7) with each
trial's parameters and, for the tunewise default, the strategy AutoSampler used per trial. s28's
``trace_runs.py`` (probes 1-6) plus probe 7's problems (dev data since session 29), with probe 7's
CPU accounting and method strings (``tw-default+auto.KEY=VAL`` etc.). One problem per call.

    nice -n 10 .venv/bin/python benchmarks/history/s30/auto_trace.py OUT.jsonl METHOD PROBLEM SEED [SEED ...]
"""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "s28"))
import probe_real_hpo7 as p7  # noqa: E402
import trace_runs as tr  # noqa: E402

_problems = tr.problems


def problems() -> dict[str, object]:
    out = _problems()
    out.update(p7.PROBLEMS)
    return out


tr.problems = problems

if __name__ == "__main__":
    tr.main()
