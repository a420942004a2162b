"""Session 20: tw-auto's paired regret ratio to a stored peer (Ax, HEBO) at budgets 10 / 20 / 30 / 60.

    .venv/bin/python benchmarks/history/s20/vs_peer.py benchmarks/results/se_test_ax.json ax TW_JSON[,TW_JSON]
"""

import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _paired import Summary, paired_line  # noqa: E402


def main() -> None:
    peer_file, peer = sys.argv[1], sys.argv[2]
    with open(peer_file) as f:
        res = [r for r in json.load(f)["results"] if r["kind"] != "hpo"]
    for path in sys.argv[3].split(","):
        with open(path) as f:
            res += [r for r in json.load(f)["results"] if r["method"] == "tw-auto" and r["kind"] != "hpo"]
    summary = Summary(res, ["tw-auto", peer])
    rng = np.random.default_rng(0)
    for budget in (10, 20, 30, 60):
        line = paired_line(summary, "tw-auto", peer, budget, rng)
        if line:
            print(line)


if __name__ == "__main__":
    main()
