"""Dev variants of TPESampler for benchmarks/curves.py (issue 19, session 27): methods
``tw-tpe-asha-stop@v:NAME`` are TPE + ASHA (stop) with TPE changed as VARIANTS[NAME] says.
Runs curves.py's own main() with these methods added (fork pool: the patch reaches the workers).

    .venv/bin/python benchmarks/history/s27/tpe_asha_variants.py --families ... --methods "tw-tpe-asha-stop@v:ei64" ...
"""

from __future__ import annotations

import math
import os
import sys
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
import curves  # noqa: E402


def _share(p: float):  # the good set: ceil(p * n) trials, at most 25
    return lambda n: min(int(math.ceil(p * n)), 25)


VARIANTS: dict[str, dict[str, Any]] = {
    "ei64": {"n_ei_candidates": 64},
    "ei8": {"n_ei_candidates": 8},
    "g20": {"gamma": _share(0.2)},
    "g05": {"gamma": _share(0.05)},
    "pw05": {"prior_weight": 0.5},
}

_setup = curves.tw_setup
_run_one = curves.run_one


def tw_setup(b: Any, method: str, seed: int) -> tuple[Any, Any]:
    if "#v:" in method:
        head, _, name = method.partition("#v:")
        sampler, sched = _setup(b, head, seed)
        for key, value in VARIANTS[name].items():
            setattr(sampler, key, value)
        return sampler, sched
    return _setup(b, method, seed)


def run_one(job: tuple[str, str, int, float]) -> dict[str, Any]:
    family, method, seed, factor = job
    if "@v:" in method:  # curves.run_one reads "@" as a worker count: "#v:" inside, "@v:" in the rows
        out = _run_one((family, method.replace("@v:", "#v:"), seed, factor))
        out["method"] = method
        return out
    return _run_one(job)


curves.tw_setup = tw_setup
curves.run_one = run_one

if __name__ == "__main__":
    curves.main()
