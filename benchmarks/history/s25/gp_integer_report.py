"""Session 25: candidate C against the default on probes 1-4, as ``../s24/gp_candidates_report.py
probes`` (the rule's report), with an optional sensitivity check: ``--default-rows FILE`` replaces
the default's stored rows by FILE's ``tw-default`` rows on the (problem, seed) cells FILE has (the
default rerun today where its stored rows do not reproduce).

    .venv/bin/python benchmarks/history/s25/gp_integer_report.py benchmarks/history/s25/probes_c.jsonl \\
        [--default-rows benchmarks/history/s25/probes_default_recheck.jsonl]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "s24"))
import gp_candidates_report as rep  # noqa: E402


def main() -> None:
    args = sys.argv[1:]
    override: dict = {}
    if "--default-rows" in args:
        i = args.index("--default-rows")
        override = {
            (r["problem"], r["seed"]): r for r in map(json.loads, open(args[i + 1])) if r["method"] == "tw-default"
        }
        del args[i : i + 2]
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fh:
        path = fh.name
    subprocess.run([sys.executable, os.path.join(HERE, "..", "s24", "probes_all.py"), path], check=True)
    rows = [json.loads(x) for x in open(path)]
    rows = [override.get((r["problem"], r["seed"]), r) if r["method"] == "tw-default" else r for r in rows]
    for c in args:
        rows += [json.loads(x) for x in open(c) if x.strip()]
    problems = list(dict.fromkeys(r["problem"] for r in rows))
    methods = list(dict.fromkeys(r["method"] for r in rows))
    best = {p: min(min(r["losses"]) for r in rows if r["problem"] == p) for p in problems}
    reg = {}
    for r in rows:
        for b in rep.BUDGETS:
            reg[(r["problem"], r["method"], r["seed"], b)] = max(min(r["losses"][:b]) - best[r["problem"]], rep.FLOOR)
    seeds = sorted({r["seed"] for r in rows})
    print(f"# probes 1-4: {len(rows)} rows; default rows replaced on {len(override)} cells; methods {methods}")
    rep._ratio_table(reg, methods, "tw-default", problems, seeds)
    rep._ratio_table(reg, methods, "optuna-gp", problems, seeds)
    rep._ratio_table(reg, methods, "optuna-tpe", problems, seeds)


if __name__ == "__main__":
    main()
