"""Session 29, issue 19, candidate B (dev only): per run, the report noise sd that ASHAScheduler estimates
(report_noise_sd), how many trials B deferred at a rung, and compute to target with B off and on. Imports
curves.py and tunewise from a snapshot (ROOT: git archive HEAD + this session's _asha.py).

    nice -n 10 .venv/bin/python benchmarks/history/s29/asha_noise_probe.py ROOT BUDGET_FACTOR SEEDS FAMILY...
"""

import logging
import sys

root, bf, seeds, fams = sys.argv[1], float(sys.argv[2]), [int(x) for x in sys.argv[3].split(",")], sys.argv[4:]
sys.path.insert(0, f"{root}/src")
sys.path.insert(0, f"{root}/benchmarks")
import curves  # noqa: E402

import tunewise as tw  # noqa: E402

assert tw.__file__.startswith(root), tw.__file__
logging.getLogger("tunewise").setLevel(logging.ERROR)
orig = tw.create_study
for fam in fams:
    for seed in seeds:
        out = []
        for on in (False, True):
            cap = []

            def cs(*a, **k):
                s = orig(*a, **k)
                cap.append(s)  # noqa: B023
                return s

            curves.tw.create_study = cs
            b = curves.make_bench(fam, seed, bf)
            method = "tw-asha-stop+sched._noise_margin=True" if on else "tw-asha-stop"
            tr = curves.run_tunewise(b, method, b.seed)
            st = cap[0]
            sched = st.scheduler
            trials = st.get_trials()
            deferred = sum(1 for t in trials if t.system_attrs.get("asha", {}).get("deferred"))
            fc = sum(1 for t in trials if "forecast" in t.system_attrs.get("asha", {}))
            cut = sum(1 for t in trials
                      if t.state.name == "PRUNED" and "forecast" not in t.system_attrs.get("asha", {}))
            sd, n = sched.report_noise_sd(st)
            out.append(f"{'B' if on else 'default'}: ctt {tr.compute_to_target()} trials {len(trials)} "
                       f"cut {cut} forecast {fc} "
                       f"deferred {deferred} noise_sd {sd if sd is None else round(sd, 4)} ({n} residuals)")
        print(fam, f"{bf:g}R", "seed", seed, " | ".join(out), flush=True)
