"""Session 30, issue 18: the medians of tpecost_bench.py's rows (ms per suggestion, CPU) and the ratios,
one table per run file.

    /work/main/.venv/bin/python benchmarks/history/s30/tpecost_table.py benchmarks/history/s30/tpecost_runs*.jsonl
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict


def main() -> None:
    for path in sys.argv[1:]:
        rows = [json.loads(line) for line in open(path)]
        cells: dict[tuple[str, int], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        for r in rows:
            cells[(r["space"], r["n"])][r["arm"]].append(r["ms_per_suggest"])
        loads = [r["load1"] for r in rows]
        rounds = max(r["round"] for r in rows) + 1
        print(f"\n{path}: {rounds} rounds of {rows[0]['per_round']} suggestions, "
              f"before {rows[0].get('before', '66a0a04')}, after {rows[0].get('after', '?')}, "
              f"load average {min(loads):.1f}-{max(loads):.1f}")
        print("| space | trials | tw before | tw after | optuna TPE | after / optuna | before / optuna "
              "| after / before |")
        print("|---|--:|--:|--:|--:|--:|--:|--:|")
        for (space, n), arms in cells.items():
            med = {k: statistics.median(v) for k, v in arms.items()}
            b, a, o = med["tw-before"], med["tw-after"], med.get("optuna-tpe", float("nan"))
            print(f"| {space} | {n} | {b:.2f} | {a:.2f} | {o:.2f} | **{a / o:.3f}** | {b / o:.3f} | {a / b:.3f} |")


if __name__ == "__main__":
    main()
