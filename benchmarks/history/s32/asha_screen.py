"""Session 32, issue 19 (dev only, a screen for a later session, judges nothing): a candidate (by default the
default with the space's centre as trial 1 from 3 parameters, AutoSampler._centre_min_dims = 3; the default
starts at the centre only from 5) against the default, per dev family, paired by seed (geometric mean of
candidate / default, unreached = 2 x budget, 95% percentile bootstrap), and over families.

  .venv/bin/python benchmarks/history/s32/asha_screen.py benchmarks/history/s32/asha_screen_centre_b10.jsonl
  .venv/bin/python benchmarks/history/s32/asha_screen.py <rows> <candidate method>   (another candidate)
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections import defaultdict

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
from curves import paired_ratio  # noqa: E402

CAND, BASE = (sys.argv[2] if len(sys.argv) > 2 else "tw-asha-stop+_centre_min_dims=3"), "tw-asha-stop"


def main() -> None:
    rng = np.random.default_rng(0)
    rows: dict[str, dict[tuple[str, int], float]] = defaultdict(dict)
    for r in map(json.loads, filter(str.strip, open(sys.argv[1]))):
        rows[r["family"]][(r["method"], r["seed"])] = r["ctt"] if math.isfinite(r["ctt"]) else 2.0 * r["budget"]
    logs = []
    for fam, d in rows.items():
        seeds = sorted(s for m, s in d if m == CAND and (BASE, s) in d)
        a, b = np.array([d[(CAND, s)] for s in seeds]), np.array([d[(BASE, s)] for s in seeds])
        g, lo, hi = paired_ratio(a, b, rng)
        logs.append(math.log(g))
        print(f"{fam:22s} candidate / default {g:.3f} [{lo:.3f}, {hi:.3f}] ({len(seeds)} seeds)")
    print(f"over {len(logs)} families (geometric mean of family ratios): {math.exp(np.mean(logs)):.3f}; "
          f"worst {math.exp(max(logs)):.3f}")


if __name__ == "__main__":
    main()
