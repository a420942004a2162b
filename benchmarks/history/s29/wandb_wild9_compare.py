"""Compare the READ lines of wandb_wild9_raw/reads.txt: per probe and read key, whether tunewise's first run read
what W&B's one run read. Keys whose values depend on the drawn configuration (bayes draws) are left out.

    .venv/bin/python benchmarks/history/s29/wandb_wild9_compare.py benchmarks/history/s29/wandb_wild9_raw/reads.txt
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict

DRAWN = {"argv"}  # bayes_hyperband's argv holds drawn values: compared by its key order only


def main() -> None:
    blocks: dict[str, dict[str, list[dict]]] = defaultdict(dict)
    label = probe = ""
    for line in open(sys.argv[1], encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("# "):
            label = line[2:]
        elif line.startswith("## "):
            probe = line[3:]
            blocks[label].setdefault(probe, [])
        elif line.startswith("READ "):
            blocks[label][probe].append(json.loads(line[5:]))
    labels = list(blocks)
    oracle = labels[0]
    for other in labels[1:]:
        same = total = 0
        print(f"== {other} vs {oracle}")
        for probe, reads in sorted(blocks[oracle].items()):
            if not reads or not blocks[other].get(probe):
                continue
            a, b = reads[0], blocks[other][probe][0]
            for key in sorted(a):
                va, vb = a[key], b.get(key)
                if probe == "probe_bayes_hyperband_argparse" and key in DRAWN:
                    va, vb = [t.split("=")[0] for t in va], [t.split("=")[0] for t in (vb or [])]
                total += 1
                if va == vb:
                    same += 1
                else:
                    print(f"  {probe}.{key}: W&B {json.dumps(va)[:160]} | tunewise {json.dumps(vb)[:160]}")
        print(f"  {same}/{total} reads alike")


if __name__ == "__main__":
    main()
