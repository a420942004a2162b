"""Session 20: the paired per-cell log ratio shared by pair_se.py and vs_peer.py."""

import math
import sys

import numpy as np

sys.path.insert(0, "benchmarks")
from sample_efficiency import BBOB_FLOOR, Summary  # noqa: E402


def paired_line(summary: Summary, a: str, b: str, budget: int, rng: np.random.Generator) -> str | None:
    """Geometric mean of regret(a) / regret(b) over bbob cells at ``budget``, a 95% bootstrap
    interval over cells, and the ratio per dimension; None when no cell ran that long."""
    by_dim: dict[int, list[float]] = {}
    for (p, _seed), rs in summary.cells.items():
        if summary.group_of(p) == "hpo":
            continue
        ra, rb = summary.regret(rs[a], budget), summary.regret(rs[b], budget)
        if ra is None or rb is None:
            continue
        by_dim.setdefault(summary.dim_of(p), []).append(math.log(max(ra, BBOB_FLOOR) / max(rb, BBOB_FLOOR)))
    if not by_dim:
        return None
    logs = np.concatenate([np.array(v) for v in by_dim.values()])
    boots = [np.mean(rng.choice(logs, len(logs))) for _ in range(2000)]
    lo, hi = np.percentile(boots, [2.5, 97.5])
    dims = " ".join(f"d{d}:{math.exp(np.mean(v)):.2f}" for d, v in sorted(by_dim.items()))
    return f"{budget} {math.exp(logs.mean()):.2f} [{math.exp(lo):.2f}, {math.exp(hi):.2f}] n={len(logs)} {dims}"
