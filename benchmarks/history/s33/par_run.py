"""s33 par33: benchmarks/curves.py with the candidate's switch available (par_candidate.py patches
ASHAScheduler; inert unless a method sets ``+sched._running_bar=1``). Same arguments as curves.py:

    nice -n 19 .venv/bin/python benchmarks/history/s33/par_run.py --families ... \
        --methods tw-asha-stop@4 "tw-asha-stop+sched._running_bar=1@4" --first-seed 20 --seeds 20 \
        --budget-factor 10 -j 1 --out benchmarks/history/s33/par_dev_b10.jsonl
"""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
import curves  # noqa: E402
import par_candidate  # noqa: E402,F401  (patches ASHAScheduler at import)

if __name__ == "__main__":
    curves.main()
