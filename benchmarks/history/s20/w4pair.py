"""Session 20: paired regret ratio of (method A, workers wa) to (method B, workers wb) on par.py traces, at
20 / 30 / 40 / 60 trials, with a 95% bootstrap interval over cells and the ratio per dimension.

    .venv/bin/python benchmarks/history/s20/w4pair.py FILE[,FILE...] A B WA WB
"""

import json
import math
import sys

import numpy as np


def main() -> None:
    rows = {}
    for path in sys.argv[1].split(","):
        with open(path) as fh:
            for line in fh:
                r = json.loads(line)
                rows[(r["method"], r["fid"], r["dim"], r["seed"], r["workers"])] = r["trace"]
    a, b = sys.argv[2], sys.argv[3]
    wa, wb = int(sys.argv[4]), int(sys.argv[5])
    rng = np.random.default_rng(0)
    for budget in (20, 30, 40, 60):
        logs, by_dim = [], {}
        for (m, f, d, s, w), trace in rows.items():
            other = rows.get((b, f, d, s, wb))
            if m == a and w == wa and other is not None:
                x = math.log(max(trace[budget - 1], 1e-8) / max(other[budget - 1], 1e-8))
                logs.append(x)
                by_dim.setdefault(d, []).append(x)
        v = np.array(logs)
        boots = [np.mean(rng.choice(v, len(v))) for _ in range(2000)]
        lo, hi = np.percentile(boots, [2.5, 97.5])
        dims = " ".join(f"d{d}:{math.exp(np.mean(x)):.2f}" for d, x in sorted(by_dim.items()))
        print(f"@{budget} {math.exp(v.mean()):.2f} [{math.exp(lo):.2f}, {math.exp(hi):.2f}] n={len(v)} {dims}")


if __name__ == "__main__":
    main()
