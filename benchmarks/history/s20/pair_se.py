"""Session 20: paired geometric-mean regret ratio of method A to method B on bbob cells, per budget, with a
95% bootstrap interval over cells and the ratio per dimension.

    .venv/bin/python benchmarks/history/s20/pair_se.py FILE[,FILE...] A B

FILEs are sample_efficiency.py result JSONs (merge_se.py names the stored default's rows tw-auto-s19).
"""

import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _paired import Summary, paired_line  # noqa: E402


def main() -> None:
    res = []
    for path in sys.argv[1].split(","):
        with open(path) as f:
            res += json.load(f)["results"]
    a, b = sys.argv[2], sys.argv[3]
    summary = Summary(res, [a, b])
    rng = np.random.default_rng(0)
    for budget in (20, 30, 60, 100):
        line = paired_line(summary, a, b, budget, rng)
        if line:
            print(line)


if __name__ == "__main__":
    main()
