"""s29 probe_rows_repro: which stored default rows of probes 1-6 can be changed by 02e29be (G).

G changed only TPE in unconditional spaces. In an unconditional single-objective space AutoSampler
(src/tunewise/samplers/_auto.py) hands a proposal to TPE only when 2 of the latest 4 COMPLETE
values repeat an earlier value exactly (_TIE_WINDOW / _TIE_REPEATS), after the Sobol start-up of
min(10, 2d + 1) trials. Replaying that rule on a stored row's own losses gives the first trial
that TPE proposed in that row; before it, the row's proposals cannot depend on TPE. A row where
the rule never fires had no TPE proposal at all. Conditional spaces use TPE from the start-up on
but G did not change that path ("c" in the output). d and conditionality come from today's seed-0 params
(FRESH.jsonl from trace_runs.py).

    .venv/bin/python benchmarks/history/s29/probe_rows_atrisk.py FRESH_SEED0.jsonl
"""

from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from probe_rows_compare import stored  # noqa: E402


def first_tpe(losses: list[float], n_startup: int) -> int | None:
    for t in range(max(n_startup, 2), len(losses)):
        seen, rep = set(), []
        for v in losses[:t]:
            rep.append(v in seen)
            seen.add(v)
        if sum(rep[-4:]) >= 2:
            return t  # 0-based index of the trial TPE proposes
    return None


# problems not run at seed 0 (stored seed-0 run > 90 s): all unconditional; d read from the probe
# scripts (s19/probe_real_hpo2.py, s22/probe_real_hpo3.py, s23/probe_real_hpo4.py, s24/probe_real_hpo5.py);
# with d >= 5 the start-up is 10 trials whatever d is
SKIPPED_D = {"gbr-regression": 5, "lgbm-binary-acc": 5, "rf-friedman1": 4, "rfc-multiclass-acc": 5,
             "gbr-swissroll": 5, "ada-quantiles": 3}


def main() -> None:
    st = stored()
    fresh = [json.loads(x) for x in open(sys.argv[1]) if x.strip()]
    for r in fresh:
        keys = [set(p) for p in r["params"]]
        allk = set().union(*keys)
        cond = any(k != allk for k in keys)
        d = len(allk)
        n0 = min(10, 2 * d + 1)
        cells = []
        for s in range(10):
            o = st.get((r["problem"], s))
            if o is None:
                cells.append("?")
                continue
            t = None if cond else first_tpe(o["losses"], n0)
            cells.append("c" if cond else "-" if t is None else str(t + 1))
        fresh_first = next((i + 1 for i, u in enumerate(r["used"]) if "TPE" in u), None)
        print(f"{r['problem']:20s} d={d:2d} {'conditional' if cond else 'unconditional':13s} "
              f"first TPE trial (1-based) in stored seeds 0-9: {' '.join(cells)} | fresh seed 0: {fresh_first}")
    for p, d in SKIPPED_D.items():
        cells = []
        for s in range(10):
            t = first_tpe(st[(p, s)]["losses"], min(10, 2 * d + 1))
            cells.append("-" if t is None else str(t + 1))
        print(f"{p:20s} d={d:2d} {'unconditional':13s} first TPE trial (1-based) in stored seeds 0-9: "
              f"{' '.join(cells)} | fresh seed 0: not run (> 90 s)")


if __name__ == "__main__":
    main()
