"""Session 30 (auto18), issue 18, step 2 (dev): why AutoSampler's path into TPE in a conditional
space ends on pipe-cond's plateau. Reads s29's traced pipe-cond runs (``../s29/h_diag_pipe.jsonl``:
default, tunewise TPE alone, optuna TPE, each trial's parameters) and prints, per run: the best
loss, how many trials land on the 0.2123 plateau (logistic regression, no reducer, C >= ~50), the
good set (the study's best gamma(n) = ceil(0.1 n) trials) at 30 and 45 trials (how many are tied
plateau trials), how many TPE proposals after trial 30 go to logreg, and when the plateau signal (2
of the latest 4 results repeat earlier ones exactly) first holds after the start-up.

    .venv/bin/python benchmarks/history/s30/auto_diag.py benchmarks/history/s29/h_diag_pipe.jsonl
"""

from __future__ import annotations

import json
import math
import sys

PLATEAU = (0.2119, 0.2126)


def main() -> None:
    rows = [json.loads(x) for x in open(sys.argv[1]) if x.strip()]
    print("| method | seed | best | plateau trials | good set tied on plateau at 30 / 45 "
          "| logreg share of trials 30-59 "
          "| first signal after start-up |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    for r in sorted(rows, key=lambda r: (r["method"], r["seed"])):
        losses, params = r["losses"], r["params"]
        on = [PLATEAU[0] <= v <= PLATEAU[1] for v in losses]
        good = []
        for n in (30, 45):
            k = max(1, min(25, math.ceil(0.1 * n)))
            top = sorted(range(n), key=lambda i: losses[i])[:k]
            good.append(f"{sum(on[i] for i in top)}/{k}")
        logreg = sum(p.get("model") == "logreg" for p in params[30:]) / len(params[30:])
        seen: set[float] = set()
        rep = []
        for v in losses:
            rep.append(v in seen)
            seen.add(v)
        first = next((i for i in range(10, 60) if sum(rep[i - 4:i]) >= 2), None)
        print(f"| {r['method']} | {r['seed']} | {min(losses):.4f} | {sum(on)} | {' / '.join(good)} | {logreg:.2f} "
              f"| {first} |")


if __name__ == "__main__":
    main()
