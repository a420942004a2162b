"""Dev tool (issue 18, session 7): the 4-worker side of parallel_efficiency.py's simulated runs only.

The sequential runs do not depend on a pending-point rule, so comparing two rules needs only
their 4-worker runs on the same cells. Run from the repository root:

    .venv/bin/python benchmarks/history/gp_parallel_s7/par4.py tw-auto,tw-auto+_attr=1 \\
        1,2,3 2,3,5 10 14 out.json 2

(methods, bbob functions, dimensions, first seed, end seed, output file, processes). Seed s runs
dev instance ``1 + s % 5``. Compare with ``paired.py out.json A B``.
"""

from __future__ import annotations

import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from typing import Any

_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path[:0] = [os.path.join(_ROOT, "benchmarks"), os.path.join(_ROOT, "src")]

import parallel_efficiency as pe  # noqa: E402


def task(args: tuple[str, int, int, int]) -> dict[str, Any]:
    method, fid, dim, seed = args
    f = pe.BBOB(fid, dim, pe.instance_of("dev", seed))
    values = pe.run(method, f, 60, seed, 4, "simulate", 0.0)
    return {"method": method, "fid": fid, "dim": dim, "seed": seed, "workers": 4, "regret": max(min(values), 1e-8)}


def main() -> None:
    methods = sys.argv[1].split(",")
    fids = [int(x) for x in sys.argv[2].split(",")]
    dims = [int(x) for x in sys.argv[3].split(",")]
    tasks = [(m, f, d, s) for f in fids for d in dims for s in range(int(sys.argv[4]), int(sys.argv[5]))
             for m in methods]
    with ProcessPoolExecutor(int(sys.argv[7])) as ex:
        results = list(ex.map(task, tasks, chunksize=2))
    with open(sys.argv[6], "w") as fh:
        json.dump({"results": results}, fh)


if __name__ == "__main__":
    main()
