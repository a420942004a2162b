"""Session 29, issue 19, candidate B (dev only): when B can act in a run. For each run with B on: the first
trial (and the share of the budget spent) at which report_noise_sd is estimated, the trials B deferred at
a rung (number, rungs) and the budget share spent when the first one was deferred. Imports curves.py and
tunewise from ROOT (git archive 815a9ba + 73220f4's _asha.py).

    nice -n 10 .venv/bin/python benchmarks/history/s29/asha_b_timing.py ROOT BUDGET_FACTOR SEEDS FAMILY...
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
        cap = []

        def cs(*a, **k):
            s = orig(*a, **k)
            cap.append(s)  # noqa: B023
            return s

        curves.tw.create_study = cs
        b = curves.make_bench(fam, seed, bf)
        tr = curves.run_tunewise(b, "tw-asha-stop+sched._noise_margin=True", b.seed)
        st = cap[0]
        sched = st.scheduler
        trials = sorted(st.get_trials(), key=lambda t: t.number)
        budget = b.R * bf
        spent, first_sd, first_def, deferred = 0.0, None, None, []
        for t in trials:
            if first_sd is None:
                # the estimate as the next trial would see it: trials finished so far
                finished = [u for u in trials if u.number <= t.number]
                resid = sum(len(tw.schedulers._asha.curve_residuals(u.intermediate_values)) for u in finished)
                if resid >= 20:
                    first_sd = (t.number + 1, round((spent + max(t.intermediate_values, default=0)) / budget, 2))
            d = t.system_attrs.get("asha", {}).get("deferred")
            if d:
                deferred.append((t.number, d))
                if first_def is None:
                    first_def = round((spent + max(t.intermediate_values)) / budget, 2)
            spent += max(t.intermediate_values, default=0)
        sd, n = sched.report_noise_sd(st)
        print(f"{fam} {bf:g}R seed {seed}: ctt {tr.compute_to_target()} trials {len(trials)}; noise sd from trial "
              f"{first_sd[0] if first_sd else None} (budget share {first_sd[1] if first_sd else None}); final sd "
              f"{round(sd, 4) if sd else sd}; deferred {deferred}; first deferral at budget share {first_def}",
              flush=True)
