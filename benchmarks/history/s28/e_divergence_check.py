"""Session 28: E's first trial that differs from the default's stored row, against the trial
``e_divergence.py`` predicted from the default's values (E must equal the default before it).

    .venv/bin/python benchmarks/history/s28/e_divergence.py /tmp/s28e/dev_rows.jsonl  # /tmp/s28e/e_divergence.json
    .venv/bin/python benchmarks/history/s28/e_divergence_check.py /tmp/s28e/dev_rows.jsonl \\
        benchmarks/history/s28/probes_e.jsonl
"""

from __future__ import annotations

import collections
import json
import sys


def main() -> None:
    ref = {
        (r["problem"], r["seed"]): r["losses"]
        for r in map(json.loads, open(sys.argv[1]))
        if r["method"] == "tw-default"
    }
    pred = json.load(open("/tmp/s28e/e_divergence.json"))
    kinds = collections.Counter()
    for r in map(json.loads, open(sys.argv[2])):
        a, b = ref[(r["problem"], r["seed"])], r["losses"]
        first = next((i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y), 60)
        p = pred[f"{r['problem']}|{r['seed']}"]
        kind = "before predicted" if first < p else ("at predicted" if first == p else "after predicted")
        kinds[kind] += 1
        if first < p:
            print(f"{r['problem']} seed {r['seed']}: first difference {first}, predicted {p}")
    print(dict(kinds))


if __name__ == "__main__":
    main()
