"""Session 28: where candidate E (the TuRBO box below 10 numeric dimensions once it has shrunk) can
first leave the default's path, read from the default's stored rows (probes 1-6, dev): the first
trial whose proposal is computed from values whose replayed trust-region state
(``tunewise.samplers._gp_trust.trust_region_state``) has a side below ``LENGTH_INIT``. Before that
trial E runs the default's code path (same proposals, same random streams). Conditional spaces
(TPE after the start-up) never reach the GP: E = default there.

    .venv/bin/python benchmarks/history/s28/e_divergence.py /tmp/s28e/dev_rows.jsonl
"""

from __future__ import annotations

import collections
import json
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import bounds_report  # noqa: E402
import trace_runs  # noqa: E402

from tunewise.samplers._gp_trust import LENGTH_INIT, trust_region_state  # noqa: E402

CONDITIONAL = {"kr-friedman2", "cond-clf", "sgd-classif", "svc-circles", "pipe-cond"}


def first_divergence(losses: list[float], dim: int) -> int:
    n_init = min(10, 2 * dim + 1)
    for t in range(n_init + 1, len(losses)):
        if trust_region_state(losses[:t], n_init, dim).length < LENGTH_INIT:
            return t
    return len(losses)


def main() -> None:
    trace_runs.problems()
    rows = [json.loads(x) for x in open(sys.argv[1]) if x.strip()]
    rows = [r for r in rows if r["method"] == "tw-default"]
    dims = {}
    out = {}
    for r in rows:
        p = r["problem"]
        if p not in dims:
            dims[p] = len(bounds_report.ranges(p))
        k = 60 if p in CONDITIONAL or dims[p] >= 10 else first_divergence(r["losses"], dims[p])
        out[(p, r["seed"])] = k
    by = collections.defaultdict(list)
    for (p, _s), k in out.items():
        by[p].append(k)
    print("| problem | numeric dims | first possible divergence per seed 0-9 |")
    print("|---|--:|---|")
    for p, ks in by.items():
        print(f"| {p} | {dims[p]} | {' '.join(map(str, ks))} |")
    ks = list(out.values())
    print(
        f"runs: {len(ks)}; identical to the default through trial 60: {sum(k >= 60 for k in ks)}; "
        f"through trial 30: {sum(k >= 30 for k in ks)}"
    )
    json.dump({f"{p}|{s}": k for (p, s), k in out.items()}, open("/tmp/s28e/e_divergence.json", "w"))


if __name__ == "__main__":
    main()
