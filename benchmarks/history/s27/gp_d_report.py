"""Session 27: candidate D against the default on probes 1-5 (31 problems), the report of the rule
``gp_d_decision.txt`` (criteria 1-2). ``../s25/gp_integer_report.py`` (probes 1-4 only) grown
by probe 5: the reference rows are the default's, optuna TPE's and optuna GP's of probes 1-4 as
``../s24/probes_all.py`` builds them, plus probe 5's rows of those three methods in
``../s25/probe_real_hpo5.jsonl`` (its C rows are left out: C is not compared here). Regret as in
``../s19/probe_real_hpo.py --report``: the best loss any compared row reached (default, optuna TPE,
optuna GP, D), floor 1e-3. Ratios are geometric means over (problem, seed), 95% bootstrap over
seeds (``../s24/gp_candidates_report.py``'s table).

``--also-cprime`` adds session 26's C' rows (``../s26/probes_cprime_all.jsonl``) as one more compared
method (not the rule's figure: it changes the reference's best loss).

``--default-rows FILE`` replaces the default's rows by FILE's ``tw-default`` rows on the (problem,
seed) cells FILE has (the rule's check with ``../s25/probes_default_recheck.jsonl``).

    .venv/bin/python benchmarks/history/s27/gp_d_report.py benchmarks/history/s27/probes_d_all.jsonl \\
        [--also-cprime] \\
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

CAND = "tw-default+_integer_search=True"
REFERENCE = ("tw-default", "optuna-tpe", "optuna-gp")


def main() -> None:
    args = sys.argv[1:]
    override: dict = {}
    if "--default-rows" in args:
        i = args.index("--default-rows")
        override = {
            (r["problem"], r["seed"]): r for r in map(json.loads, open(args[i + 1])) if r["method"] == "tw-default"
        }
        del args[i : i + 2]
    also_cprime = "--also-cprime" in args
    if also_cprime:
        args.remove("--also-cprime")
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fh:
        path = fh.name
    subprocess.run([sys.executable, os.path.join(HERE, "..", "s24", "probes_all.py"), path], check=True)
    rows = [json.loads(x) for x in open(path)]
    os.unlink(path)
    probe5 = [json.loads(x) for x in open(os.path.join(HERE, "..", "s25", "probe_real_hpo5.jsonl"))]
    p5_problems = list(dict.fromkeys(r["problem"] for r in probe5))
    rows += [r for r in probe5 if r["method"] in REFERENCE]
    rows = [override.get((r["problem"], r["seed"]), r) if r["method"] == "tw-default" else r for r in rows]
    for c in args:
        rows += [{**r, "method": "D"} for r in map(json.loads, open(c)) if r["method"] == CAND]
    if also_cprime:  # a supplementary view: C' is then one more compared row (it moves the best loss)
        cp = os.path.join(HERE, "..", "s26", "probes_cprime_all.jsonl")
        rows += [{**r, "method": "C'"} for r in map(json.loads, open(cp)) if r["method"] == CAND]
    keys = [(r["problem"], r["method"], r["seed"]) for r in rows]
    assert len(keys) == len(set(keys)), "a (problem, method, seed) cell has two rows"
    problems = list(dict.fromkeys(r["problem"] for r in rows))
    methods = list(dict.fromkeys(r["method"] for r in rows))
    best = {p: min(min(r["losses"]) for r in rows if r["problem"] == p) for p in problems}
    reg = {}
    for r in rows:
        for b in rep.BUDGETS:
            reg[(r["problem"], r["method"], r["seed"], b)] = max(min(r["losses"][:b]) - best[r["problem"]], rep.FLOOR)
    seeds = sorted({r["seed"] for r in rows})
    n_cand = sum(m == "D" for _, m, _ in keys)
    print(f"# probes 1-5: {len(rows)} rows ({n_cand} of D); default rows replaced on {len(override)} cells")
    print(f"# methods {methods}")
    print("\n# all 31 problems (the rule's criteria 1-2)")
    rep._ratio_table(reg, methods, "tw-default", problems, seeds)
    rep._ratio_table(reg, methods, "optuna-gp", problems, seeds)
    rep._ratio_table(reg, methods, "optuna-tpe", problems, seeds)
    for name, subset in (("probes 1-4", [p for p in problems if p not in p5_problems]), ("probe 5", p5_problems)):
        print(f"\n# {name} only ({len(subset)} problems)")
        rep._ratio_table(reg, methods, "tw-default", subset, seeds)


if __name__ == "__main__":
    main()
