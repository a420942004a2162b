"""s29 mends, item 4: does importance (no GP: random-forest fANOVA, permutation) care about BLAS threads?

CPU per param_importances call on 200 random trials, 5-d, with numpy's default BLAS threads (2 here) and
limited to 1 by threadpoolctl; median of 3.

    nice -n 10 .venv/bin/python benchmarks/history/s29/mends/importance_blas.py
"""

import statistics
import time

import threadpoolctl

import tunewise as tw

tw.logging.set_verbosity(tw.logging.WARNING)
study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
study.optimize(lambda t: sum((t.suggest_float(f"x{i}", -1, 1) - 0.1 * i) ** 2 for i in range(5)), n_trials=200)
for ev in ("fanova", "permutation"):
    for lim in (None, 1):
        cpu = []
        for _ in range(3):
            c0 = time.process_time()
            if lim:
                with threadpoolctl.threadpool_limits(limits=1, user_api="blas"):
                    tw.importance.param_importances(study, evaluator=ev, seed=0)
            else:
                tw.importance.param_importances(study, evaluator=ev, seed=0)
            cpu.append(time.process_time() - c0)
        print(
            ev,
            "blas limit",
            lim,
            f"CPU median {statistics.median(cpu):.3f} s (min {min(cpu):.3f} max {max(cpu):.3f})",
        )
