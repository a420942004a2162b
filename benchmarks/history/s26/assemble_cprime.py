"""Session 26: C''s rows on the 31 problems of probes 1-5, as the rule allows them to be assembled.

On the 22 problems with no categorical parameter, C' runs C's code path (its change, categoricals
in the coordinate search, has nothing to act on there; on the 6 all-continuous ones both run the
default's code). There C' ran seeds 0 and 1 fresh; where both are identical to C's stored rows
(every loss of the 60 trials), C's rows of seeds 2-9 are taken (marked ``"copied_from"``). The 9
problems with a categorical ran all 10 seeds fresh. Any other case is reported and left out.

    .venv/bin/python benchmarks/history/s26/assemble_cprime.py   # writes probes_cprime_all.jsonl
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
    return [json.loads(x) for x in open(path) if x.strip()]


def main() -> None:
    fresh = _rows(os.path.join(HERE, "probes_cprime.jsonl")) + _rows(os.path.join(HERE, "probe_real_hpo5_cprime.jsonl"))
    fresh = [r for r in fresh if r["method"] == CAND]
    c_rows = _rows(os.path.join(HERE, "..", "s25", "probes_c.jsonl")) + _rows(
        os.path.join(HERE, "..", "s25", "probe_real_hpo5.jsonl")
    )
    c_by = {(r["problem"], r["seed"]): r for r in c_rows if r["method"] == CAND}
    problems = list(dict.fromkeys(r["problem"] for r in c_by.values()))
    fresh_by = {(r["problem"], r["seed"]): r for r in fresh}
    assert len(fresh_by) == len(fresh), "two fresh rows for one (problem, seed)"
    out: list[dict] = []
    print("| problem | categorical | fresh seeds | seeds 0-1 identical to C | rows used |")
    print("|---|---|---|---|---|")
    for p in problems:
        seeds = sorted(s for q, s in fresh_by if q == p)
        cat = p in WITH_CATEGORICAL
        same = [fresh_by[(p, s)]["losses"] == c_by[(p, s)]["losses"] for s in (0, 1) if (p, s) in fresh_by]
        if seeds == list(range(10)):
            out += [fresh_by[(p, s)] for s in seeds]
            used = "10 fresh"
        elif not cat and seeds == [0, 1] and same == [True, True]:
            out += [fresh_by[(p, s)] for s in (0, 1)]
            out += [{**c_by[(p, s)], "copied_from": "s25/C"} for s in range(2, 10)]
            used = "2 fresh + 8 of C's"
        else:
            used = "INCOMPLETE: left out"
        print(f"| {p} | {'yes' if cat else 'no'} | {len(seeds)} | {same} | {used} |")
    with open(os.path.join(HERE, "probes_cprime_all.jsonl"), "w") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in out)
    print(f"\n{len(out)} rows, {len({r['problem'] for r in out})} problems -> probes_cprime_all.jsonl")


if __name__ == "__main__":
    main()
