"""Dev runner (issue 18, session 15): the best-so-far trace of runs with 1 or k simulated workers.

    .venv/bin/python benchmarks/history/s15/par.py OUT.jsonl METHOD WORKERS [--dims 2 3 5] [--seeds 0 1 ...]

METHOD as in ``parallel_efficiency.py`` (``tw-auto+KEY=VALUE`` variants); the dev split by default.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")
sys.path.insert(0, os.path.join(ROOT, "src"))
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))

from parallel_efficiency import BBOB, instance_of, run  # noqa: E402


def task(job: tuple[str, int, int, int, int, str]) -> dict[str, Any]:
    method, fid, dim, seed, workers, split = job
    values = run(method, BBOB(fid, dim, instance_of(split, seed)), 60, seed, workers, "simulate", 0.0)
    best = np.minimum.accumulate(values)
    return {"method": method, "fid": fid, "dim": dim, "seed": seed, "workers": workers, "split": split,
            "trace": [max(float(b), 1e-8) for b in best]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("method")
    ap.add_argument("workers", type=int)
    ap.add_argument("--dims", type=int, nargs="+", default=[2, 3, 5])
    ap.add_argument("--seeds", type=int, nargs="+", default=list(range(5)))
    ap.add_argument("--fids", type=int, nargs="+", default=list(range(1, 25)))
    ap.add_argument("--split", default="dev")
    ap.add_argument("-j", type=int, default=2)
    a = ap.parse_args()
    jobs = [(a.method, f, d, s, a.workers, a.split) for f in a.fids for d in a.dims for s in a.seeds]
    with ProcessPoolExecutor(a.j) as pool, open(a.out, "a") as fh:
        for r in pool.map(task, jobs, chunksize=1):
            fh.write(json.dumps(r) + "\n")
            fh.flush()


if __name__ == "__main__":
    main()
