"""Session 25: ``../s24/probes_jobs.py`` with every job in a fresh worker process.

Why: the four probes share one dataset cache (``../s19/probe_real_hpo.py``'s ``_DATA``) and two of
them call different data by one name: probe 1's enet-poly and probe 3's rff-ridge both load
"friedman3" (``make_friedman3`` with random_state 2 and 35). A pool worker that ran one of them
first gives the other one its data, so with ``--all`` a run of the second problem optimizes the
wrong function (session 25: all 10 rff-ridge runs of candidate C; session 24's candidate B rows of
rff-ridge as well, whose first trial's loss differs from the default's from trial 0). Same arguments
and output as ``../s24/probes_jobs.py``; run it from the checkout to be measured.

    nice -n 10 .venv/bin/python benchmarks/history/s25/probes_jobs_fresh.py OUT.jsonl METHOD -j 2 PROBLEM:SEEDS ...
"""

from __future__ import annotations

import multiprocessing.pool
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "s24"))
import probes_jobs  # noqa: E402


class _FreshPool(multiprocessing.pool.Pool):
    def __init__(self, processes: int) -> None:
        super().__init__(processes, maxtasksperchild=1)


if __name__ == "__main__":
    probes_jobs.Pool = _FreshPool  # type: ignore[misc]
    probes_jobs.main()
