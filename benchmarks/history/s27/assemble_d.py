"""Session 27: D's rows on the 31 problems of probes 1-5, assembled as ``gp_d_decision.txt`` allows.

On the 22 problems with no categorical parameter D runs C''s code path (= C's; ``gp_d_description.md``),
so there D ran seeds 0 and 1 fresh, and where both are identical to C''s stored rows
(``../s26/probes_cprime_all.jsonl``, every loss of the 60 trials) C''s rows of seeds 2-9 are taken
(marked ``"copied_from"``). logreg-enet (not bit-deterministic) and the 9 problems with a categorical
ran all 10 seeds fresh. Any other case is reported and left out.

    .venv/bin/python benchmarks/history/s27/assemble_d.py   # writes probes_d_all.jsonl
"""

from __future__ import annotations

import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
CAND = "tw-default+_integer_search=True"
WITH_CATEGORICAL = {
    "mlp-moons", "kr-friedman2", "cond-clf", "sgd-classif", "knn-classif", "svc-circles", "tree-regression",
    "dtc-classif-acc", "rfc-multiclass-acc",
}  # fmt: skip


def _rows(path: str) -> list[dict]:
    return [json.loads(x) for x in open(path) if x.strip()] if os.path.exists(path) else []


def main() -> None:
    fresh = _rows(os.path.join(HERE, "probes_d.jsonl")) + _rows(os.path.join(HERE, "probe_real_hpo5_d.jsonl"))
    fresh = [r for r in fresh if r["method"] == CAND]
    cp_rows = _rows(os.path.join(HERE, "..", "s26", "probes_cprime_all.jsonl"))
    cp_by = {(r["problem"], r["seed"]): r for r in cp_rows}
    problems = list(dict.fromkeys(r["problem"] for r in cp_rows))
    fresh_by = {(r["problem"], r["seed"]): r for r in fresh}
    assert len(fresh_by) == len(fresh), "two fresh rows for one (problem, seed)"
    out: list[dict] = []
    print("| problem | categorical | fresh seeds | seeds 0-1 identical to C' | rows used |")
    print("|---|---|---|---|---|")
    n_fresh = n_copied = 0
    for p in problems:
        seeds = sorted(s for q, s in fresh_by if q == p)
        cat = p in WITH_CATEGORICAL
        same = [fresh_by[(p, s)]["losses"] == cp_by[(p, s)]["losses"] for s in (0, 1) if (p, s) in fresh_by]
        if seeds == list(range(10)):
            out += [fresh_by[(p, s)] for s in seeds]
            used = "10 fresh"
            n_fresh += 10
        elif not cat and p != "logreg-enet" and seeds == [0, 1] and same == [True, True]:
            out += [fresh_by[(p, s)] for s in (0, 1)]
            out += [{**cp_by[(p, s)], "copied_from": "s26/C'"} for s in range(2, 10)]
            used = "2 fresh + 8 of C''s"
            n_fresh += 2
            n_copied += 8
        else:
            used = "INCOMPLETE: left out"
        print(f"| {p} | {'yes' if cat else 'no'} | {len(seeds)} | {same} | {used} |")
    with open(os.path.join(HERE, "probes_d_all.jsonl"), "w") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in out)
    n_p = len({r["problem"] for r in out})
    print(f"\n{len(out)} rows ({n_fresh} fresh, {n_copied} copied), {n_p} problems -> probes_d_all.jsonl")


if __name__ == "__main__":
    main()
