"""Session 27, criterion 3 of ``gp_d_decision.txt``: D (``tw-auto@set:_integer_search=True``) against
the default (``tw-auto``) on the 10 dev bbob cells, value for value; and the default's cells against
session 26's (``../s26/dev_bbob_cprime.json``).

    .venv/bin/python benchmarks/history/s27/dev_bbob_compare.py benchmarks/history/s27/dev_bbob_d.json
"""

from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def _cells(path: str) -> dict:
    return {(r["problem"], r["method"], r["seed"]): r["values"] for r in json.load(open(path))["results"]}


def main() -> None:
    now = _cells(sys.argv[1])
    s26 = _cells(os.path.join(HERE, "..", "s26", "dev_bbob_cprime.json"))
    problems = sorted({p for p, _, _ in now})
    same_d = sum(now[(p, "tw-auto", 0)] == now[(p, "tw-auto@set:_integer_search=True", 0)] for p in problems)
    same_26 = sum(now[(p, "tw-auto", 0)] == s26.get((p, "tw-auto", 0)) for p in problems)
    n = {len(now[(p, "tw-auto@set:_integer_search=True", 0)]) for p in problems}
    print(f"D identical to the default on {same_d} of {len(problems)} cells (values per cell: {sorted(n)})")
    print(f"the default identical to session 26's on {same_26} of {len(problems)} cells")


if __name__ == "__main__":
    main()
