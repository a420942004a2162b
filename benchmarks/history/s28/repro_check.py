"""Session 28: do runs of today's src default reproduce the stored default (D) rows loss for loss?

.venv/bin/python benchmarks/history/s28/repro_check.py /tmp/s28e/dev_rows.jsonl TRACE.jsonl [...]
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    ref = {
        (r["problem"], r["seed"]): r["losses"]
        for r in map(json.loads, open(sys.argv[1]))
        if r["method"] == "tw-default"
    }
    for path in sys.argv[2:]:
        for r in map(json.loads, open(path)):
            if r["method"] != "tw-default":
                continue
            old = ref[(r["problem"], r["seed"])]
            same = old == r["losses"]
            first = next((i for i, (a, b) in enumerate(zip(old, r["losses"])) if a != b), None)
            close = all(abs(a - b) <= 1e-9 * max(1.0, abs(a)) for a, b in zip(old, r["losses"]))
            print(f"{r['problem']:20s} seed {r['seed']}: identical {same}; within 1e-9 {close}; first diff {first}")


if __name__ == "__main__":
    main()
