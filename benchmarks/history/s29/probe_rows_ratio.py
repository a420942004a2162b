"""s29 probe_rows_repro: s28's dev table (dev split, probes 1-6) with the default's stale stored rows
replaced by fresh rows from today's code where they exist.

    .venv/bin/python benchmarks/history/s28/dev_rows.py DEV_ROWS.jsonl
    .venv/bin/python benchmarks/history/s29/probe_rows_ratio.py DEV_ROWS.jsonl OUT.jsonl \
        --problems p1,p2,... FRESH.jsonl [FRESH2.jsonl ...]

Only the ``tw-default`` rows of the listed problems are replaced, per (problem, seed) where a fresh
row exists; every other row is s28's. With ``--drop p:s,s,...;p:s`` (after the fresh files) the
``tw-default`` rows of those (problem, seed) cells are left out instead (stale cells not rerun), so
their pairs drop out of the ratios. Then s28/dev_table.py's method (regret against the best loss
any row of the file reached, floor 1e-3; geometric mean of default / optuna TPE over (problem, seed)
pairs) is run on OUT.jsonl.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> None:
    args = sys.argv[1:]
    i = args.index("--problems")
    dev, out = args[0], args[1]
    problems = set(args[i + 1].split(","))
    fresh_paths = args[i + 2:]
    drop = set()
    if "--drop" in fresh_paths:
        j = fresh_paths.index("--drop")
        for part in fresh_paths[j + 1].split(";"):
            if part:
                p, _, seeds = part.partition(":")
                drop |= {(p, int(x)) for x in seeds.split(",")}
        fresh_paths = fresh_paths[:j]
    rows = [json.loads(x) for x in open(dev) if x.strip()]
    probe = {r["problem"]: r["probe"] for r in rows}
    fresh = {}
    for p in fresh_paths:
        for r in map(json.loads, open(p)):
            if r["problem"] in problems and r["method"] == "tw-default":
                fresh[(r["problem"], r["seed"])] = r
    replaced = []
    new = []
    for r in rows:
        k = (r["problem"], r["seed"])
        if r["method"] == "tw-default" and k in drop and k not in fresh:
            continue
        if r["method"] == "tw-default" and k in fresh:
            f = fresh[k]
            new.append({"problem": f["problem"], "method": "tw-default", "seed": f["seed"], "losses": f["losses"],
                        "repeats": f["repeats"], "opt_cpu_ms": f["opt_cpu_ms"], "wall": f["wall"],
                        "probe": probe[f["problem"]], "fresh": True})
            replaced.append(k)
        else:
            new.append(r)
    with open(out, "w") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in new)
    by = {}
    for p, s in replaced:
        by.setdefault(p, []).append(s)
    print(f"replaced {len(replaced)} tw-default rows with fresh ones: "
          + "; ".join(f"{p} seeds {sorted(v)}" for p, v in sorted(by.items())))
    if drop:
        print("left out (stale, not rerun): " + "; ".join(f"{p} seed {s}" for p, s in sorted(drop - set(fresh))))
    sys.stdout.flush()
    subprocess.run([sys.executable, os.path.join(HERE, "..", "s28", "dev_table.py"), out], check=True)


if __name__ == "__main__":
    main()
