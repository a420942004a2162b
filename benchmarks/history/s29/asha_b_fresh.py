"""Session 29, issue 19 (dev only, after B's verdict; information only): candidate B, the default ASHA (stop)
and no early stopping at 30·R on fresh seeds 15-29 of noisy-36-heavy and noisy-45-t, all three run at
73220f4 (snapshot), so the pairs share one commit.

    .venv/bin/python benchmarks/history/s29/asha_b_fresh.py
Also pools seeds 0-29 with the earlier 30·R rows (seeds 0-14).
"""

from __future__ import annotations

import json
import math
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
B = "tw-asha-stop+sched._noise_margin=True"
FILES = ["asha_dev_B_fresh45_b30.jsonl", "asha_dev_B_fresh36_b30.jsonl"]
# seeds 0-14 (the bar runs and the first post-verdict runs; default / none rows at 1e0752f+s29 / s29A)
EARLIER = ["asha_dev_default_b30.jsonl", "asha_dev_B_b30.jsonl", "asha_dev_noisy_more_b30.jsonl",
           "asha_dev_noisy_more2_b30.jsonl", "asha_dev_B_noisy_more_b30.jsonl", "asha_dev_B_noisy_more2_b30.jsonl"]


def main() -> None:
    for files, seed_range, label in ((FILES, range(15, 30), "fresh seeds"), (EARLIER + FILES, range(30), "pooled")):
        print(f"## {label}")
        table(files, seed_range)


def table(files: list[str], seed_range: range) -> None:
    ctt, reached = {}, {}
    for name in files:
        for line in open(os.path.join(HERE, name)):
            r = json.loads(line)
            if r["method"] not in (B, "tw-asha-stop", "tw-none"):
                continue
            c = r["ctt"]
            ctt[(r["family"], r["method"], r["seed"])] = c if math.isfinite(c) else 2 * r["budget"]
            reached[(r["family"], r["method"], r["seed"])] = math.isfinite(c)
    rng = np.random.default_rng(0)
    for fam in ("noisy-36-heavy", "noisy-45-t"):
        for a, b in ((B, "tw-asha-stop"), (B, "tw-none"), ("tw-asha-stop", "tw-none")):
            seeds = [s for s in seed_range if (fam, a, s) in ctt and (fam, b, s) in ctt]
            if not seeds:
                continue
            lr = np.array([math.log(ctt[(fam, a, s)] / ctt[(fam, b, s)]) for s in seeds])
            boots = lr[rng.integers(0, len(lr), (4000, len(lr)))].mean(axis=1)
            lo, hi = np.exp(np.percentile(boots, [2.5, 97.5]))
            same = sum(ctt[(fam, a, s)] == ctt[(fam, b, s)] for s in seeds)
            print(
                f"{fam} 30·R {a} / {b}: {math.exp(lr.mean()):.2f} [{lo:.2f}, {hi:.2f}] over {len(seeds)} seeds "
                f"({min(seeds)}-{max(seeds)}); reached {sum(reached[(fam, a, s)] for s in seeds)} / "
                f"{sum(reached[(fam, b, s)] for s in seeds)}; equal ctt {same}"
            )


if __name__ == "__main__":
    main()
