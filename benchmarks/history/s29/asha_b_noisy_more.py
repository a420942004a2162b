"""Session 29 (dev only, after the verdict): candidate B and pruning on the noisy dev families at 30·R
over seeds 0-14 (0-4 from the bar runs, 5-14 run after B had failed its 30·R bars; informative only).

    .venv/bin/python benchmarks/history/s29/asha_b_noisy_more.py
"""

from __future__ import annotations

import json
import math
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
A = "tw-asha-stop+sched._noise_margin=True"
FILES = [
    "asha_dev_default_b30.jsonl",
    "asha_dev_B_b30.jsonl",
    "asha_dev_B_noisy_more_b30.jsonl",
    "asha_dev_B_noisy_more2_b30.jsonl",
    "asha_dev_noisy_more_b30.jsonl",
    "asha_dev_noisy_more2_b30.jsonl",
]


def main() -> None:
    ctt, reached = {}, {}
    for name in FILES:
        if not os.path.exists(os.path.join(HERE, name)):
            continue
        for line in open(os.path.join(HERE, name)):
            r = json.loads(line)
            if r["method"] not in (A, "tw-asha-stop", "tw-none"):
                continue
            c = r["ctt"]
            ctt[(r["family"], r["method"], r["seed"])] = c if math.isfinite(c) else 2 * r["budget"]
            reached[(r["family"], r["method"], r["seed"])] = math.isfinite(c)
    rng = np.random.default_rng(0)
    for fam in ("noisy-36-heavy", "noisy-45-t", "noisy-81"):
        for a, b in ((A, "tw-asha-stop"), (A, "tw-none"), ("tw-asha-stop", "tw-none")):
            seeds = [s for s in range(15) if (fam, a, s) in ctt and (fam, b, s) in ctt]
            lr = np.array([math.log(ctt[(fam, a, s)] / ctt[(fam, b, s)]) for s in seeds])
            boots = lr[rng.integers(0, len(lr), (4000, len(lr)))].mean(axis=1)
            lo, hi = np.exp(np.percentile(boots, [2.5, 97.5]))
            same = sum(ctt[(fam, a, s)] == ctt[(fam, b, s)] for s in seeds)
            print(
                f"{fam} 30·R {a} / {b}: {math.exp(lr.mean()):.2f} [{lo:.2f}, {hi:.2f}] over {len(seeds)} seeds; "
                f"reached {sum(reached[(fam, a, s)] for s in seeds)} / {sum(reached[(fam, b, s)] for s in seeds)}; "
                f"equal ctt {same}"
            )


if __name__ == "__main__":
    main()
