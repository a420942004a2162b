"""Session 29, issue 19, step 1 (dev only): per run, trials completed / stopped by the forecast / cut, and the
configurations stopped whose noise-free final loss reaches the target. Imports curves.py from the snapshot
/tmp/s29_asha/snap (git archive 1e0752f + the s29 benchmark files and _asha.py).

    nice -n 5 .venv/bin/python benchmarks/history/s29/asha_why.py FAMILY METHOD BUDGET_FACTOR SEEDS
"""

import sys

sys.path.insert(0, "/tmp/s29_asha/snap/benchmarks")
import logging

import curves

import tunewise as tw

logging.getLogger("tunewise").setLevel(logging.ERROR)
fam, method, bf = sys.argv[1], sys.argv[2], float(sys.argv[3])
seeds = [int(x) for x in sys.argv[4].split(",")]
orig = tw.create_study
for seed in seeds:
    cap = []

    def cs(*a, **k):
        s = orig(*a, **k)
        cap.append(s)  # noqa: B023 (called within the iteration)
        return s

    curves.tw.create_study = cs
    b = curves.make_bench(fam, seed, bf)
    inst = curves.family_instance(fam, seed)
    tr = curves.run_tunewise(b, method, b.seed)
    st = cap[0]
    n = {"comp": 0, "fc": 0, "cut": 0}
    good_stopped = []
    for t in st.get_trials():
        a = t.system_attrs.get("asha", {})
        truthR = inst.loss(t.params, b.R)
        if t.state.name == "COMPLETE":
            n["comp"] += 1
        elif t.state.name == "PRUNED":
            k = "fc" if "forecast" in a else "cut"
            n[k] += 1
            if truthR <= b.target:
                good_stopped.append((t.number, k, max(t.intermediate_values)))
    print(
        seed,
        "ctt",
        tr.compute_to_target(),
        "trials",
        tr.trials,
        n,
        "good configs stopped",
        good_stopped,
        "fc_checks",
        st.scheduler.forecast_checks(st) if hasattr(st, "scheduler") and st.scheduler else "",
    )
